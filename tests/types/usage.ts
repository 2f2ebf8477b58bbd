// What a site owner's TypeScript writes against dist/tessera.d.ts; `tsc -p tests/types` must
// accept it, and each `@ts-expect-error` line must be an error (or tsc fails), so the types
// can be wrong in both directions.
import type { TesseraPurchaseDetail, TesseraTicketsElement } from '../../loader/tessera';

document.addEventListener('tessera:purchase', (e) => {
  const d: TesseraPurchaseDetail = e.detail;
  const minor: number = d.total ? d.total.amount : 0;
  const reference: string = d.checkout_id;
  // @ts-expect-error a quantity is a number
  const wrong: string = d.quantity;
  void [minor, reference, wrong];
});

document.addEventListener('tessera:checkout', (e) => {
  const code: string | null = e.detail.promo_code;
  // @ts-expect-error the checkout event has no checkout_id
  void e.detail.checkout_id;
  void code;
});

const el = document.querySelector('tessera-tickets');
if (el) {
  const widget: TesseraTicketsElement = el;
  widget.event = '344c5b2c-7de4-4174-863f-682207408add';
  widget.addEventListener('tessera:tier-change', (e) => void e.detail.price.currency);
  widget.addEventListener('tessera:error', (e) => void e.detail.kind);
}

void window.Tessera?.mount(document.createElement('div'), { event: 'e', view: 'calendar' });
// @ts-expect-error view is list or calendar
void window.Tessera?.mount(document.createElement('div'), { view: 'month' });
window.dataLayer?.push({ event: 'custom' });
