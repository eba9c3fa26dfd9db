/** Installation and Confirmation IDs in running text and tables: monospace, wrapping between groups. */
import { dashedCid } from './format';
import { groupedIid } from '../activate/iid-fields';

/** A CID's groups A to H joined by dashes, with a break opportunity after each dash. */
export function CidText({ digits }: { digits: string }) {
  const groups = dashedCid(digits).split('-');
  return (
    <span className="mono cid-text">
      {groups.map((group, i) => (
        <span key={i}>
          {group}
          {i < groups.length - 1 && (
            <>
              -<wbr />
            </>
          )}
        </span>
      ))}
    </span>
  );
}

/** An IID's nine groups separated by spaces, as Windows shows them. */
export function IidText({ digits }: { digits: string }) {
  return <span className="mono iid-text">{groupedIid(digits)}</span>;
}
