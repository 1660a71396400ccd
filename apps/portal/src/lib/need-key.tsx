import { Link } from 'react-router';
import { useSession } from './session';

/** Shown where an action needs the key unlocked. */
export function NeedKey({ action }: { action: string }) {
  const s = useSession();
  if (s.wallet) return null;
  return (
    <div className="notice">
      <p>
        To {action} you need to unlock your key first. <Link to="/key">Unlock my key</Link>
      </p>
    </div>
  );
}
