/**
 * The window: four views (one Installation ID, a batch, the history, the remaining activations
 * of a MAK), notices from main, and Settings, the error code reference and About.
 */
import {
  useEffect,
  useEffectEvent,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { CidOutcome, CidSuccess } from '../shared/activation';
import { parseCid, type Cid } from '../shared/cid';
import { makeError, type CidDeskError } from '../shared/errors';
import type { AppCommand } from '../shared/ipc';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { AboutDialog } from './dialogs/about-dialog';
import { EnvironmentContext, type Environment } from './common/api';
import { BatchView } from './batch/batch-view';
import { CidResult } from './activate/cid-result';
import { ConfirmDialog } from './dialogs/confirm-dialog';
import { describeError, ErrorPanel } from './common/error-panel';
import { ErrorReference } from './dialogs/error-reference';
import { HistoryView } from './history/history-view';
import {
  BookIcon,
  GaugeIcon,
  HistoryIcon,
  InfoIcon,
  KeyIcon,
  LogoMark,
  SettingsIcon,
  StackIcon,
} from './common/icons';
import { IidEntry, type IidEntryHandle } from './activate/iid-entry';
import {
  carryNotice,
  describeFields,
  emptyFields,
  type IidFields,
  type Notice,
} from './activate/iid-fields';
import { NoticeBanners, type ShownNotice } from './common/notice-banners';
import { RemainingView } from './remaining/remaining-view';
import { SettingsDialog } from './dialogs/settings-dialog';
import { WaitingPanel } from './activate/waiting-panel';

export type ViewName = 'activate' | 'batch' | 'history' | 'remaining';

const VIEWS: readonly {
  name: ViewName;
  label: string;
  /** Words a narrow window leaves out of sight; screen readers still read them. */
  more?: string;
  Icon: typeof KeyIcon;
}[] = [
  { name: 'activate', label: 'Activate', Icon: KeyIcon },
  { name: 'batch', label: 'Batch', Icon: StackIcon },
  { name: 'history', label: 'History', Icon: HistoryIcon },
  { name: 'remaining', label: 'Remaining', more: ' activations', Icon: GaugeIcon },
];

type Screen =
  | { name: 'entry' }
  | {
      name: 'busy';
      requestId: string;
      iid: string;
      startedAt: number;
      demo: boolean;
      cancelling: boolean;
    }
  | {
      name: 'result';
      outcome: CidSuccess;
      cid: Cid;
      demo: boolean;
      /** The whole CID went to the clipboard: one that was not saved may be left without asking. */
      copied: boolean;
    }
  | { name: 'error'; error: CidDeskError; iid: string; demo: boolean; title?: string };

type OpenDialog =
  | { name: 'settings' }
  | { name: 'about' }
  | { name: 'reference'; code: string | null }
  | { name: 'discard' }
  | null;

type FocusTarget =
  | { kind: 'heading' }
  | { kind: 'group'; index: number }
  | { kind: 'view'; view: ViewName }
  | { kind: 'main' }
  | { kind: 'notice'; key: number }
  | null;

const SETTINGS_PATIENCE_MS = 800;

/**
 * What the entry says when demo mode was switched under a result or an error: the request it
 * offered would now go elsewhere, so the user sends it again knowing where.
 */
function modeSwitchedNotice(demoNow: boolean): Notice {
  return {
    text: demoNow
      ? 'Demo mode is now on: the next request goes to the built-in simulator and uses no activation.'
      : 'Demo mode is now off: the next request goes to Microsoft and uses an activation.',
    lasts: 'one-edit',
  };
}

export interface AppProps {
  environment: Environment;
}

function bridgeError(cause: unknown): CidDeskError {
  return makeError(
    'unexpected-response',
    "The window got no answer from CID Desk's main process, so it can't tell whether the request was sent.",
    'Try again. If this keeps happening, restart CID Desk.',
    {
      mayHaveReachedService: true,
      detail: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
    },
  );
}

/** The whole window. */
export function App({ environment }: AppProps) {
  const { api } = environment;
  const [settings, setSettings] = useState<Settings | null>(null);
  const [settingsFailed, setSettingsFailed] = useState(false);
  const [fields, setFields] = useState<IidFields>(() => emptyFields());
  const [notice, setNotice] = useState<Notice | null>(null);
  const [screen, setScreen] = useState<Screen>({ name: 'entry' });
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [announcement, setAnnouncement] = useState({ text: '', seq: 0 });
  const [waitedForSettings, setWaitedForSettings] = useState(false);
  const [view, setView] = useState<ViewName>('activate');
  const [notices, setNotices] = useState<ShownNotice[]>([]);
  const [historyVersion, setHistoryVersion] = useState(0);
  const [batchRunning, setBatchRunning] = useState(false);

  // The only thing that stops a second getCid while one runs, even if two clicks land before
  // React has re-rendered the button as gone: each request spends an activation.
  const inFlight = useRef(false);
  const currentRequest = useRef<string | null>(null);
  const entry = useRef<IidEntryHandle>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const main = useRef<HTMLElement>(null);
  const focusTarget = useRef<FocusTarget>(null);
  // Settings saved in the window are newer than any answer to the first getSettings.
  const settingsSaved = useRef(false);

  const demo = settings?.demoMode ?? false;

  useEffect(() => {
    let live = true;
    api.getSettings({}).then(
      (loaded) => live && !settingsSaved.current && setSettings(loaded),
      () => {
        if (!live || settingsSaved.current) return;
        setSettings({ ...DEFAULT_SETTINGS });
        setSettingsFailed(true);
      },
    );
    // The demo banner depends on the settings: wait a moment for them rather than have it jump
    // in, but never leave the window blank because main is slow to answer.
    const patience = setTimeout(() => setWaitedForSettings(true), SETTINGS_PATIENCE_MS);
    return () => {
      live = false;
      clearTimeout(patience);
    };
  }, [api]);

  useEffect(() => {
    let live = true;
    // Notices are a courtesy: a bridge that cannot give them must not keep the window from working.
    api.getNotices({}).then(
      (found) => live && setNotices(found.map((notice, key) => ({ ...notice, key }))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  useLayoutEffect(() => {
    const target = focusTarget.current;
    if (!target) return;
    focusTarget.current = null;
    if (target.kind === 'heading') heading.current?.focus();
    else if (target.kind === 'group') entry.current?.focusGroup(target.index);
    else if (target.kind === 'view') {
      main.current?.querySelector<HTMLElement>(`[data-view="${target.view}"] h1`)?.focus();
    } else if (target.kind === 'notice') {
      main.current?.querySelector<HTMLElement>(`[data-notice="${target.key}"]`)?.focus();
    } else main.current?.focus();
  });

  function announce(text: string) {
    setAnnouncement((previous) => ({ text, seq: previous.seq + 1 }));
  }

  function settle(outcome: CidOutcome, iid: string, demoSetting: boolean) {
    // The answer says who issued it; the settings seen when sending are only the fallback.
    const demoAnswer =
      outcome.ok && outcome.source !== undefined ? outcome.source === 'simulator' : demoSetting;
    currentRequest.current = null;
    setHistoryVersion((version) => version + 1);
    if (outcome.ok) {
      const cid = parseCid(outcome.cid);
      if (!cid.ok) {
        // A CID that fails its check digits must never be shown as one.
        setScreen({
          name: 'error',
          iid,
          demo: demoAnswer,
          title: 'The answer failed its check digits',
          error: {
            ...cid.error,
            // Those are the CID's groups, not the IID's: Edit ID must not point at them.
            badGroups: undefined,
            kind: 'unexpected-response',
            advice: `${cid.error.advice} Try again, or use phone activation (slui 4).`,
            mayHaveReachedService: true,
            detail: `Confirmation ID received: ${outcome.cid}`,
          },
        });
        announce('The answer failed its check digits');
      } else {
        setScreen({ name: 'result', outcome, cid: cid.value, demo: demoAnswer, copied: false });
        announce(demoAnswer ? 'Demo Confirmation ID received' : 'Confirmation ID received');
      }
      focusTarget.current = { kind: 'heading' };
      return;
    }
    const { error } = outcome;
    if (error.kind === 'network' && error.cause === 'cancelled' && !error.mayHaveReachedService) {
      setScreen({ name: 'entry' });
      // The entry's own live region says it: an announcement too would say it twice.
      setNotice({ text: 'Request cancelled. Press Enter to send it again.', lasts: 'one-edit' });
      focusTarget.current = { kind: 'group', index: 8 };
      return;
    }
    setScreen({ name: 'error', error, iid, demo: demoAnswer });
    announce(describeError(error, demoAnswer).title);
    focusTarget.current = { kind: 'heading' };
  }

  /** Asks for the CID of `iid`; `force` asks the service even when the history knows the answer. */
  async function request(iid: string, force = false) {
    if (inFlight.current) return;
    inFlight.current = true;
    const requestId = crypto.randomUUID();
    currentRequest.current = requestId;
    setNotice(null);
    setScreen({ name: 'busy', requestId, iid, startedAt: Date.now(), demo, cancelling: false });
    let outcome: CidOutcome;
    try {
      outcome = await api.getCid({ requestId, iid, force });
    } catch (cause) {
      currentRequest.current = null;
      const title = 'Something went wrong inside CID Desk';
      setScreen({ name: 'error', error: bridgeError(cause), iid, demo, title });
      announce(title);
      focusTarget.current = { kind: 'heading' };
      return;
    } finally {
      inFlight.current = false;
    }
    settle(outcome, iid, demo);
  }

  function cancel() {
    const requestId = currentRequest.current;
    if (screen.name !== 'busy' || screen.cancelling || requestId === null) return;
    setScreen({ ...screen, cancelling: true });
    // The pending getCid settles with the outcome; a failed cancel just leaves it running.
    api.cancel({ requestId }).catch(() => undefined);
  }

  /**
   * Sends again from a result or an error screen, whose words (who is asked, what it costs) are
   * those of the mode that answered. Demo mode switched since then would send the request
   * elsewhere: the user goes back to the entry instead and is told where it would go.
   */
  function sendAgain(iid: string, force: boolean, answeredInDemo: boolean) {
    if (answeredInDemo !== demo) {
      backToEntry(modeSwitchedNotice(demo));
      return;
    }
    void request(iid, force);
  }

  /** Back to the entry with the IID that was sent still in the boxes, and why. */
  function backToEntry(reason: Notice) {
    setScreen({ name: 'entry' });
    setNotice(reason);
    if (view === 'activate') focusTarget.current = { kind: 'group', index: 8 };
  }

  function startOver() {
    setFields(emptyFields());
    setNotice(null);
    setScreen({ name: 'entry' });
    focusTarget.current = { kind: 'group', index: 0 };
  }

  /** A CID that is neither in the history nor copied is only on the screen: leaving it is asked. */
  function newActivation() {
    if (screen.name === 'result' && screen.outcome.warning && !screen.copied) {
      setDialog({ name: 'discard' });
      return;
    }
    startOver();
  }

  function settingsSavedAs(saved: Settings) {
    settingsSaved.current = true;
    setSettings(saved);
    setSettingsFailed(false);
    setDialog((open) => (open?.name === 'settings' ? null : open));
    announce('Settings saved');
    // A CID that was not saved stays: copying it and starting over do not depend on the mode.
    const offersRequest =
      screen.name === 'error' || (screen.name === 'result' && !screen.outcome.warning);
    if (saved.demoMode !== demo && offersRequest) backToEntry(modeSwitchedNotice(saved.demoMode));
  }

  function editId() {
    const firstBad = screen.name === 'error' ? (screen.error.badGroups?.[0] ?? 1) : 1;
    setScreen({ name: 'entry' });
    focusTarget.current = { kind: 'group', index: Math.min(Math.max(firstBad - 1, 0), 8) };
  }

  function showView(next: ViewName) {
    setView(next);
    focusTarget.current = { kind: 'view', view: next };
  }

  function dismissNotice(key: number) {
    const at = notices.findIndex((notice) => notice.key === key);
    const next = notices[at + 1] ?? notices[at - 1];
    setNotices(notices.filter((notice) => notice.key !== key));
    focusTarget.current = next ? { kind: 'notice', key: next.key } : { kind: 'main' };
  }

  const onCommand = useEffectEvent((command: AppCommand) => {
    // While any dialog is open (a view's confirmation too) the menu waits, as native apps do:
    // switching views under it would leave it open, modal and out of sight.
    if (document.querySelector('dialog[open]') !== null) return;
    if (command === 'new') {
      setDialog(null);
      setView('activate');
      if (screen.name !== 'busy') newActivation();
    } else if (command === 'settings') setDialog({ name: 'settings' });
    else if (command === 'reference') setDialog({ name: 'reference', code: null });
    else if (command === 'about') setDialog({ name: 'about' });
    else {
      setDialog(null);
      showView(command);
    }
  });
  useEffect(() => api.onCommand((command) => onCommand(command)), [api]);

  const onEscape = useEffectEvent((event: KeyboardEvent) => {
    if (event.key !== 'Escape' || event.defaultPrevented || event.repeat || dialog !== null) return;
    if (view !== 'activate') return;
    if (screen.name === 'busy') {
      event.preventDefault();
      cancel();
    } else if (screen.name === 'entry' && inEntryForm(event.target)) {
      // Only where the ID is being typed: Escape pressed elsewhere must not wipe 63 digits.
      event.preventDefault();
      startOver();
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onEscape(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const busy = screen.name === 'busy';
  if (settings === null && !waitedForSettings) return <div className="app" aria-busy="true" />;

  const utility = (label: string, icon: ReactNode, open: () => void) => (
    <button type="button" className="button ghost" onClick={open} title={label}>
      {icon}
      <span className="topbar-label">{label}</span>
    </button>
  );

  return (
    <EnvironmentContext value={environment}>
      <div className={`app${demo ? ' is-demo' : ''}`}>
        {demo && (
          <div className="demo-banner" role="note">
            <strong>DEMO MODE</strong> – answers come from a built-in simulator, not from Microsoft
          </div>
        )}
        <header className="topbar">
          <div className="brand">
            <LogoMark className="brand-mark" />
            <span className="brand-name">CID Desk</span>
            {demo && <span className="badge is-demo">Demo</span>}
          </div>
          <nav className="views" aria-label="Views">
            {VIEWS.map(({ name, label, more, Icon }) => (
              <button
                key={name}
                type="button"
                className="view-tab"
                aria-current={view === name ? 'page' : undefined}
                onClick={() => setView(name)}
              >
                <Icon />
                <span>
                  {label}
                  {more && <span className="tab-more">{more}</span>}
                </span>
                {name === 'batch' && batchRunning && (
                  <span className="spinner is-tiny" role="img" aria-label="running" />
                )}
              </button>
            ))}
          </nav>
          <nav className="topbar-actions" aria-label="Application">
            {utility('Error codes', <BookIcon />, () =>
              setDialog({ name: 'reference', code: null }),
            )}
            {utility('Settings', <SettingsIcon />, () => setDialog({ name: 'settings' }))}
            {utility('About', <InfoIcon />, () => setDialog({ name: 'about' }))}
          </nav>
        </header>

        <main className="content" ref={main} tabIndex={-1}>
          {settingsFailed && (
            <p className="callout is-warning" role="alert">
              The settings couldn't be read, so the defaults are shown. Open Settings to check them.
            </p>
          )}
          <NoticeBanners notices={notices} onDismiss={dismissNotice} />

          <div className="view" data-view="activate" hidden={view !== 'activate'}>
            {(screen.name === 'entry' || screen.name === 'busy') && (
              <IidEntry
                handle={entry}
                fields={fields}
                notice={notice}
                busy={busy}
                onEdit={(next, hint) => {
                  setFields(next);
                  setNotice((previous) =>
                    carryNotice(previous, hint, describeFields(next).iid !== null),
                  );
                }}
                onSubmit={(iid) => void request(iid)}
                onClear={startOver}
                progress={
                  screen.name === 'busy' ? (
                    <WaitingPanel
                      demo={screen.demo}
                      startedAt={screen.startedAt}
                      timeoutSeconds={settings?.timeoutSeconds ?? DEFAULT_SETTINGS.timeoutSeconds}
                      cancelling={screen.cancelling}
                      onCancel={cancel}
                    />
                  ) : undefined
                }
              />
            )}
            {screen.name === 'result' && (
              <CidResult
                outcome={screen.outcome}
                cid={screen.cid}
                demo={screen.demo}
                onNew={newActivation}
                // Offered in the words of the mode that answered, so only while it is still on.
                onAskAgain={
                  screen.demo === demo
                    ? () => sendAgain(screen.outcome.iid, true, screen.demo)
                    : undefined
                }
                onCopied={() =>
                  setScreen((shown) =>
                    shown.name === 'result' && !shown.copied ? { ...shown, copied: true } : shown,
                  )
                }
                headingRef={heading}
              />
            )}
            {screen.name === 'error' && (
              <ErrorPanel
                error={screen.error}
                iid={screen.iid}
                demo={screen.demo}
                title={screen.title}
                // The simulator spends nothing: a lost demo answer cost no activation.
                costsActivation={!screen.demo}
                onRetry={() => sendAgain(screen.iid, false, screen.demo)}
                onEdit={editId}
                onShowReference={(code) => setDialog({ name: 'reference', code })}
                headingRef={heading}
              />
            )}
            {screen.name !== 'result' && (
              <p className="footnote">
                {demo
                  ? 'Demo mode: requests go to the built-in simulator and never reach Microsoft.'
                  : "Each request uses one activation of the product key. A Confirmation ID obtained before is answered from this computer's history, at no cost."}
              </p>
            )}
          </div>

          <BatchView
            active={view === 'batch'}
            demo={demo}
            announce={announce}
            onRunningChange={setBatchRunning}
            onHistoryChanged={() => setHistoryVersion((version) => version + 1)}
          />
          <HistoryView active={view === 'history'} version={historyVersion} announce={announce} />
          <RemainingView
            active={view === 'remaining'}
            settings={settings}
            announce={announce}
            onHistoryChanged={() => setHistoryVersion((version) => version + 1)}
            onShowReference={(code) => setDialog({ name: 'reference', code })}
          />
        </main>

        <div className="visually-hidden" role="status" aria-live="polite">
          {announcement.text && <p key={announcement.seq}>{announcement.text}</p>}
        </div>

        {dialog?.name === 'settings' && (
          <SettingsDialog
            settings={settings}
            onClose={() => setDialog(null)}
            onSaved={settingsSavedAs}
          />
        )}
        {dialog?.name === 'discard' && (
          <ConfirmDialog
            title="Discard this Confirmation ID?"
            confirmLabel="Discard it and start over"
            tone="danger"
            onClose={() => setDialog(null)}
            onConfirm={() => {
              setDialog(null);
              startOver();
            }}
          >
            <p>
              This Confirmation ID could not be saved to the history, and it has not been copied.
            </p>
            <p>
              <strong>
                Once it is off the screen, it cannot be got back without using another activation.
              </strong>{' '}
              Copy it or write it down first.
            </p>
          </ConfirmDialog>
        )}
        {dialog?.name === 'reference' && (
          <ErrorReference highlight={dialog.code} onClose={() => setDialog(null)} />
        )}
        {dialog?.name === 'about' && <AboutDialog onClose={() => setDialog(null)} />}
      </div>
    </EnvironmentContext>
  );
}

/** Whether a key event comes from the Installation ID form. */
function inEntryForm(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('form.entry') !== null;
}
