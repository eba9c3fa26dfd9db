/**
 * The only pages CID Desk opens in the user's browser. The window links to them; main opens an
 * address only when it is exactly one of these (allowedExternalUrl).
 */
export const EXTERNAL_LINKS = {
  phoneActivation:
    'https://support.microsoft.com/windows/product-activation-for-windows-online-support-telephone-numbers-35f6a805-1259-88b4-f5e9-b52cccef91a0',
  activateWindows:
    'https://support.microsoft.com/windows/activate-windows-c39005d4-95ee-b91e-b399-2820fda32227',
  proxyActivationVamt:
    'https://learn.microsoft.com/windows/deployment/volume-activation/proxy-activation-vamt',
  vamt: 'https://learn.microsoft.com/windows/deployment/volume-activation/volume-activation-management-tool',
  slmgr: 'https://learn.microsoft.com/windows-server/get-started/activation-slmgr-vbs-options',
  officeActivation:
    'https://learn.microsoft.com/office/volume-license-activation/tools-to-manage-volume-activation-of-office',
} as const;
