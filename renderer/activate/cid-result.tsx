/** The Confirmation ID, in the eight boxes A to H Windows asks for, with ways to copy and use it. */
import { useEffect, useEffectEvent, useRef, useState, type Ref } from 'react';
import type { CidSuccess } from '../../shared/activation';
import { CID_GROUP_LABELS, formatCid, type Cid } from '../../shared/cid';
import { ConfirmDialog } from '../dialogs/confirm-dialog';
import { formatWhen } from '../common/format';
import { CheckIcon, CopyIcon, InfoIcon, WarningIcon } from '../common/icons';
import { groupedIid } from './iid-fields';
import { useCopy } from '../common/use-copy';

export interface CidResultProps {
  outcome: CidSuccess;
  /** The CID after its check digits were verified in the window. */
  cid: Cid;
  /** The answer came from the built-in simulator. */
  demo: boolean;
  onNew(): void;
  /**
   * Sends the request again with force, for a CID that came from the history and that Windows
   * refused. Called only after the user confirmed that it uses another activation.
   */
  onAskAgain?(): void;
  /**
   * Told when the whole Confirmation ID has gone to the clipboard, in one piece or group by group:
   * one that could not be saved to the history is then no longer only on the screen.
   */
  onCopied?(): void;
  headingRef?: Ref<HTMLHeadingElement>;
}

/** The copy buttons whose text holds all 48 digits. */
const WHOLE_CID_SOURCES: ReadonlySet<string> = new Set(['all', 'dashes', 'atp', 'actcid']);

interface Command {
  id: string;
  text: string;
  /** How the confirmation names it. */
  what: string;
}

function commandsFor(digits: string): { windows: Command[]; office: Command[] } {
  return {
    windows: [
      {
        id: 'atp',
        text: `slmgr.vbs /atp ${digits}`,
        what: 'slmgr.vbs /atp with the Confirmation ID',
      },
      { id: 'ato', text: 'slmgr.vbs /ato', what: 'slmgr.vbs /ato' },
    ],
    office: [
      {
        id: 'actcid',
        text: `cscript ospp.vbs /actcid:${digits}`,
        what: 'ospp.vbs /actcid with the Confirmation ID',
      },
      { id: 'act', text: 'cscript ospp.vbs /act', what: 'ospp.vbs /act' },
    ],
  };
}

type Product = 'windows' | 'office';

const PRODUCTS: readonly { id: Product; label: string }[] = [
  { id: 'windows', label: 'Windows' },
  { id: 'office', label: 'Office' },
];

/** The result screen. */
export function CidResult({
  outcome,
  cid,
  demo,
  onNew,
  onAskAgain,
  onCopied,
  headingRef,
}: CidResultProps) {
  const { feedback, copy } = useCopy();
  const groupsCopied = useRef(new Set<string>());
  const tellCopied = useEffectEvent(() => onCopied?.());
  // Only a copy that succeeded counts, and the feedback is where its success shows.
  useEffect(() => {
    if (!feedback?.ok) return;
    if (feedback.source.startsWith('group-')) groupsCopied.current.add(feedback.source);
    if (WHOLE_CID_SOURCES.has(feedback.source) || groupsCopied.current.size === cid.groups.length) {
      tellCopied();
    }
  }, [feedback, cid.groups.length]);
  const [product, setProduct] = useState<Product>('windows');
  const [confirming, setConfirming] = useState(false);
  const service = demo ? 'the simulator' : 'Microsoft';
  const when = formatWhen(outcome.obtainedAt);
  const digits = cid.groups.join('');
  const commands = commandsFor(digits);
  const copied = (source: string) => feedback?.ok === true && feedback.source === source;

  const commandList = (list: Command[]) => (
    <ol className="commands">
      {list.map((command, step) => (
        <li key={command.id} className="command">
          <span className="command-step" aria-hidden="true">
            {step + 1}
          </span>
          <code className="command-text">{command.text}</code>
          <button
            type="button"
            className="icon-button"
            aria-label={`Copy command: ${command.what}`}
            title="Copy command"
            onClick={() => void copy(command.text, command.what, command.id)}
          >
            {copied(command.id) ? <CheckIcon className="state-ok" /> : <CopyIcon />}
          </button>
        </li>
      ))}
    </ol>
  );

  return (
    <section className="card result" aria-labelledby="result-heading">
      <div className="result-head">
        <div>
          <h1 id="result-heading" className="card-title" tabIndex={-1} ref={headingRef}>
            Confirmation ID
            {demo && <span className="badge is-demo">Demo CID</span>}
          </h1>
          <p className="for-iid">
            For Installation ID <span className="mono">{groupedIid(outcome.iid)}</span>
          </p>
        </div>
        <button type="button" className="button" onClick={onNew}>
          New activation
        </button>
      </div>

      {demo && (
        <p className="callout is-demo">
          <InfoIcon />
          <span>
            A demo Confirmation ID from the built-in simulator. It will not activate anything, and
            no activation was used.
          </span>
        </p>
      )}
      {outcome.fromHistory && (
        <div className="callout is-info">
          <InfoIcon />
          <div className="callout-body">
            <p>
              Already obtained on {when}; answered from this computer's history, no activation was
              used.
            </p>
            {onAskAgain && (
              <p className="callout-aside">
                <span>Windows refused this Confirmation ID?</span>
                <button type="button" className="button small" onClick={() => setConfirming(true)}>
                  Ask {service} again…
                </button>
              </p>
            )}
          </div>
        </div>
      )}
      {outcome.warning && (
        <div className="callout is-warning is-urgent" role="alert">
          <WarningIcon />
          <div className="callout-body">
            <p className="callout-title">Not saved: write this Confirmation ID down now</p>
            <p>{outcome.warning}</p>
          </div>
        </div>
      )}

      <p className="result-lead">
        Type groups A to H into the phone activation window, or run the commands below.
      </p>
      <ol className="cid-groups" aria-label="Confirmation ID groups">
        {cid.groups.map((group, i) => {
          const label = CID_GROUP_LABELS[i]!;
          return (
            <li key={label} className="cid-group">
              <span className="cid-label">{label}</span>
              <span className="cid-digits">{group}</span>
              <button
                type="button"
                className="icon-button cid-copy"
                aria-label={`Copy group ${label}`}
                title={`Copy group ${label}`}
                onClick={() => void copy(group, `group ${label}`, `group-${label}`)}
              >
                {copied(`group-${label}`) ? <CheckIcon className="state-ok" /> : <CopyIcon />}
              </button>
            </li>
          );
        })}
      </ol>

      <div className="copy-row">
        <button
          type="button"
          className="button primary"
          onClick={() => void copy(digits, 'all 48 digits', 'all')}
        >
          {copied('all') ? <CheckIcon /> : <CopyIcon />}
          Copy all
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void copy(formatCid(cid), 'all 48 digits with dashes', 'dashes')}
        >
          {copied('dashes') ? <CheckIcon /> : <CopyIcon />}
          Copy with dashes
        </button>
        <p className={`copy-feedback${feedback && !feedback.ok ? ' is-error' : ''}`} role="status">
          {feedback && (
            <>
              {feedback.ok ? <CheckIcon /> : <WarningIcon />}
              <span>{feedback.message}</span>
            </>
          )}
        </p>
      </div>

      <section className="howto" aria-labelledby="howto-heading">
        <div className="howto-head">
          <h2 id="howto-heading" className="section-title">
            How to use it
          </h2>
          <fieldset className="segmented">
            <legend className="visually-hidden">Product</legend>
            {PRODUCTS.map(({ id, label }) => (
              <label key={id} className="segment">
                <input
                  type="radio"
                  name="howto-product"
                  value={id}
                  checked={product === id}
                  onChange={() => setProduct(id)}
                />
                <span className="segment-label">{label}</span>
              </label>
            ))}
          </fieldset>
        </div>
        {product === 'windows' ? (
          <>
            <p className="howto-where">
              Run these in an elevated Command Prompt (Run as administrator) on the machine you're
              activating:
            </p>
            {commandList(commands.windows)}
          </>
        ) : (
          <>
            <p className="howto-where">
              Run these in an elevated Command Prompt on the machine you're activating, in the
              Office installation folder that holds <code>ospp.vbs</code> (for example{' '}
              <code>C:\Program Files\Microsoft Office\Office16</code>):
            </p>
            {commandList(commands.office)}
          </>
        )}
      </section>

      {confirming && onAskAgain && (
        <ConfirmDialog
          title={`Ask ${service} again?`}
          confirmLabel={demo ? 'Ask the simulator again' : 'Ask again and use an activation'}
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onAskAgain();
          }}
        >
          <p>
            CID Desk already has a Confirmation ID for this Installation ID, obtained on {when}.
          </p>
          {demo ? (
            <p>In demo mode the request goes to the built-in simulator: no activation is used.</p>
          ) : (
            <p>
              <strong>Asking Microsoft again uses another activation of the product key.</strong> Do
              it only if Windows refused this Confirmation ID.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
