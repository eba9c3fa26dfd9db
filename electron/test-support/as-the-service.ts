import type { ActivationFetch } from '../activation/activation-client';
import { SIMULATOR_HEADER } from '../../shared/request';

/**
 * Stands an identifying simulator in for Microsoft's service: its answers arrive exactly as it
 * sends them, less the header by which it names itself, which the real service never sends.
 */
export const asTheService: ActivationFetch = async (input, init) => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  headers.delete(SIMULATOR_HEADER);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};
