'use client';
/** The visitor's flags, read through the React hooks (rendered on the server from the snapshot, then hydrated). */
import type { ReactNode } from 'react';
import { useFeatureFlag, useKameleoonStatus, useVisitorCode } from 'kameleoon-ts/react';

function Flag({ featureKey }: { featureKey: string }): ReactNode {
  const { active, variation, variables } = useFeatureFlag(featureKey);
  return (
    <li className={active ? 'flag on' : 'flag off'} data-flag={featureKey}>
      <code>{featureKey}</code>
      <strong data-variation>{variation?.key ?? '(none)'}</strong>
      {variation?.name && variation.name !== variation.key ? <span className="name"> {variation.name}</span> : null}
      {variables.size > 0 && (
        <span className="variables">
          {[...variables.values()].map((v) => (
            <span key={v.key} data-variable={v.key}>
              {v.key}={typeof v.value === 'string' ? v.value : JSON.stringify(v.value)}
            </span>
          ))}
        </span>
      )}
    </li>
  );
}

export function Flags({ featureKeys }: { featureKeys: string[] }): ReactNode {
  const visitorCode = useVisitorCode();
  const { status } = useKameleoonStatus();
  return (
    <section>
      <p>
        Visitor <code data-visitor-code>{visitorCode}</code>, configuration <span data-status>{status}</span>
      </p>
      <ul id="flags">
        {featureKeys.map((key) => (
          <Flag key={key} featureKey={key} />
        ))}
      </ul>
    </section>
  );
}
