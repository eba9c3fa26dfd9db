import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { AppCommand } from '../../shared/ipc';
import { menuTemplate, type MenuOptions } from './menu';

function build(overrides: Partial<MenuOptions> = {}) {
  const commands: AppCommand[] = [];
  const template = menuTemplate({
    platform: 'win32',
    isPackaged: true,
    appName: 'CID Desk',
    onCommand: (c) => commands.push(c),
    ...overrides,
  });
  return { template, commands };
}

/** A readable outline of a menu: labels, roles, accelerators. */
function outline(items: MenuItemConstructorOptions[]): unknown[] {
  return items.map((item) => {
    if (item.type === 'separator') return '---';
    const name = [
      item.role ? `role:${item.role}` : '',
      item.label ?? '',
      item.accelerator ? `[${item.accelerator}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return Array.isArray(item.submenu) ? { [name]: outline(item.submenu) } : name;
  });
}

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [
    item,
    ...(Array.isArray(item.submenu) ? flatten(item.submenu) : []),
  ]);
}

function find(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  const found = flatten(items).find((item) => item.label === label);
  if (found === undefined) throw new Error(`no menu item ${label}`);
  return found;
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

describe('menuTemplate', () => {
  it('builds the Windows and Linux menu with mnemonics and no developer tools when packaged', () => {
    expect(outline(build().template)).toEqual([
      { '&File': ['&New [CmdOrCtrl+N]', '---', '&Settings… [CmdOrCtrl+,]', '---', 'role:quit'] },
      {
        '&Edit': [
          'role:undo',
          'role:redo',
          '---',
          'role:cut',
          'role:copy',
          'role:paste',
          '---',
          'role:selectAll',
        ],
      },
      {
        '&View': [
          '&Batch [CmdOrCtrl+Shift+B]',
          '&History [CmdOrCtrl+Shift+H]',
          '&Remaining activations [CmdOrCtrl+Shift+R]',
          '---',
          'role:resetZoom',
          'role:zoomIn',
          'role:zoomOut',
          '---',
          'role:togglefullscreen',
        ],
      },
      { 'role:help &Help': ['Error code reference', '---', '&About CID Desk'] },
    ]);
  });

  it('builds the macOS menu with the application menu first and a Window menu', () => {
    expect(outline(build({ platform: 'darwin' }).template)).toEqual([
      {
        'CID Desk': [
          'role:about About CID Desk',
          '---',
          'Settings… [CmdOrCtrl+,]',
          '---',
          'role:services',
          '---',
          'role:hide',
          'role:hideOthers',
          'role:unhide',
          '---',
          'role:quit',
        ],
      },
      { File: ['New [CmdOrCtrl+N]', '---', 'role:close'] },
      {
        Edit: [
          'role:undo',
          'role:redo',
          '---',
          'role:cut',
          'role:copy',
          'role:paste',
          '---',
          'role:selectAll',
        ],
      },
      {
        View: [
          'Batch [CmdOrCtrl+Shift+B]',
          'History [CmdOrCtrl+Shift+H]',
          'Remaining Activations [CmdOrCtrl+Shift+R]',
          '---',
          'role:resetZoom',
          'role:zoomIn',
          'role:zoomOut',
          '---',
          'role:togglefullscreen',
        ],
      },
      'role:windowMenu',
      { 'role:help Help': ['Error code reference'] },
    ]);
  });

  it('offers developer tools only in an unpackaged build', () => {
    const view = build({ isPackaged: false }).template.find((m) => m.label === '&View')!;
    expect(outline(view.submenu as MenuItemConstructorOptions[]).slice(-2)).toEqual([
      '---',
      'role:toggleDevTools',
    ]);
  });

  it('sends each command to the window', () => {
    const { template, commands } = build();
    click(find(template, '&New'));
    click(find(template, '&Settings…'));
    click(find(template, 'Error code reference'));
    click(find(template, '&About CID Desk'));
    click(find(template, '&Batch'));
    click(find(template, '&History'));
    click(find(template, '&Remaining activations'));
    expect(commands).toEqual([
      'new',
      'settings',
      'reference',
      'about',
      'batch',
      'history',
      'remaining',
    ]);

    const mac = build({ platform: 'darwin' });
    click(find(mac.template, 'Settings…'));
    click(find(mac.template, 'New'));
    expect(mac.commands).toEqual(['settings', 'new']);
  });
});
