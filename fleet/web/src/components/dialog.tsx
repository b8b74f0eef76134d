import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';

interface DialogProps {
  title: string;
  children: ReactNode;
  onClose(): void;
  /** The confirming button; without it the dialog only informs and offers "Close". */
  confirm?: { label: string; danger?: boolean; busy?: boolean; onConfirm(): void };
}

/** A modal question or message; Escape and Cancel close it, focus starts on the safe choice. */
export function Dialog({ title, children, onClose, confirm }: DialogProps) {
  const { t } = useI18n();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
        <h2 id="dialog-title">{title}</h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">
          <button type="button" ref={cancelRef} className="button" onClick={onClose}>
            {confirm ? t('common.cancel') : t('common.close')}
          </button>
          {confirm && (
            <button
              type="button"
              className={`button ${confirm.danger ? 'button-danger' : 'button-primary'}`}
              disabled={confirm.busy}
              onClick={confirm.onConfirm}
              data-confirm
            >
              {confirm.label}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
