/** About CID Desk: what it is, its version and licence, and what it runs on. */
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/ipc';
import { useEnvironment } from '../common/api';
import { LogoMark } from '../common/icons';
import { Modal } from './modal';

/** The About dialog; asks main for the versions when it opens. */
export function AboutDialog({ onClose }: { onClose(): void }) {
  const { api } = useEnvironment();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    api.getAppInfo({}).then(
      (value) => live && setInfo(value),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <Modal title="About CID Desk" onClose={onClose}>
      <div className="about">
        <LogoMark className="about-logo" />
        <div>
          <p className="about-name">{info?.name ?? 'CID Desk'}</p>
          <p className="about-line">
            Gets the Confirmation ID for a Windows or Office Installation ID from Microsoft's
            activation service, the one VAMT uses for proxy activation.
          </p>
        </div>
      </div>
      {info ? (
        <dl className="facts">
          <dt>Version</dt>
          <dd>{info.version}</dd>
          <dt>Licence</dt>
          <dd>{info.licence}</dd>
          <dt>Electron</dt>
          <dd>{info.electron}</dd>
          <dt>Chrome</dt>
          <dd>{info.chrome}</dd>
          <dt>Node.js</dt>
          <dd>{info.node}</dd>
          <dt>Platform</dt>
          <dd>{info.platform}</dd>
        </dl>
      ) : (
        <p className="setting-hint" role="status">
          {failed ? "The version details couldn't be read." : 'Reading version details…'}
        </p>
      )}
    </Modal>
  );
}
