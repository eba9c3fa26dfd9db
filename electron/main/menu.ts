import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../shared/ipc';

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Developer tools appear only in unpackaged builds. */
  isPackaged: boolean;
  appName: string;
  /** Called when a menu item asks the window to do something. */
  onCommand(command: AppCommand): void;
}

/** The application menu as a template for Menu.buildFromTemplate. */
export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const command = (label: string, name: AppCommand, accelerator?: string) =>
    ({
      label,
      ...(accelerator ? { accelerator } : {}),
      click: () => options.onCommand(name),
    }) satisfies MenuItemConstructorOptions;
  const settings = command(mac ? 'Settings…' : '&Settings…', 'settings', 'CmdOrCtrl+,');
  const separator = { type: 'separator' } as const;

  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      // The native About panel, filled in by app.setAboutPanelOptions.
      { role: 'about', label: `About ${options.appName}` },
      separator,
      settings,
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: mac ? 'File' : '&File',
    submenu: [
      command(mac ? 'New' : '&New', 'new', 'CmdOrCtrl+N'),
      separator,
      ...(mac ? [{ role: 'close' } as const] : [settings, separator, { role: 'quit' } as const]),
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: mac ? 'Edit' : '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      separator,
      { role: 'selectAll' },
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: mac ? 'View' : '&View',
    submenu: [
      command(mac ? 'Batch' : '&Batch', 'batch', 'CmdOrCtrl+Shift+B'),
      command(mac ? 'History' : '&History', 'history', 'CmdOrCtrl+Shift+H'),
      command(
        mac ? 'Remaining Activations' : '&Remaining activations',
        'remaining',
        'CmdOrCtrl+Shift+R',
      ),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
      ...(options.isPackaged ? [] : [separator, { role: 'toggleDevTools' } as const]),
    ],
  };

  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    label: mac ? 'Help' : '&Help',
    submenu: [
      command('Error code reference', 'reference'),
      // On macOS About lives in the application menu.
      ...(mac ? [] : [separator, command(`&About ${options.appName}`, 'about')]),
    ],
  };

  return [
    ...(mac ? [appMenu] : []),
    fileMenu,
    editMenu,
    viewMenu,
    ...(mac ? [{ role: 'windowMenu' } as const] : []),
    helpMenu,
  ];
}
