import type { Transactions } from '../transactions';
import type { ChangeBus } from './change-bus';

/**
 * The change bus as the domain's services see it, aware of {@link Transactions}:
 * - an event published inside `Transactions.run` is held until the transaction
 *   has committed, then published (to this process and the others); on a
 *   rollback it is dropped, as the change it announced never happened;
 * - inside a transaction the bus is not `live`, so no cache fed by it serves or
 *   stores an entry there: reads see the transaction's own writes, and nothing
 *   uncommitted is ever cached.
 * Outside a transaction it is the bus itself.
 */
export function transactionAwareBus(bus: ChangeBus, transactions: Transactions): ChangeBus {
  return {
    get state() {
      return bus.state;
    },
    get live() {
      return bus.live && !transactions.active();
    },
    publish: (event) => (transactions.afterCommit(() => bus.publish(event)) ? Promise.resolve() : bus.publish(event)),
    replay: (event) => bus.replay(event),
    subscribe: (listener) => bus.subscribe(listener),
    onResync: (listener) => bus.onResync(listener),
    close: () => bus.close(),
  };
}
