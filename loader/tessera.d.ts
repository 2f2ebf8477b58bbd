/**
 * Types for tessera's embeddable ticket widget (`tessera.js`): the `<tessera-tickets>` element,
 * its attributes, `window.Tessera`, and the detail of every `tessera:*` event it sends.
 *
 *   /// <reference path="./tessera.d.ts" />   (or list it in tsconfig.json's "files")
 *   document.addEventListener('tessera:purchase', (e) => send(e.detail.checkout_id, e.detail.total));
 *
 * The details are the widget's own serde types (src/host_events.rs); a test holds this file to
 * them, field by field.
 */

/** An amount in the currency's minor units (centavos, cents; none for JPY, three for KWD). */
export interface TesseraMoney {
  /** Integer minor units: 160000 is ₱1,600.00. */
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
}

/** `tessera:ready`: the event is shown. */
export interface TesseraReadyDetail {
  event_id: string;
  title: string;
}

/** `tessera:tier-change`: the buyer chose a ticket type. */
export interface TesseraTierChangeDetail {
  event_id: string;
  tier_id: string;
  tier_name: string;
  price: TesseraMoney;
}

/** `tessera:checkout`: the buyer is being sent to pay. */
export interface TesseraCheckoutDetail {
  event_id: string;
  tier_id: string;
  quantity: number;
  total: TesseraMoney | null;
  promo_code: string | null;
}

/**
 * `tessera:purchase`: the buyer came back from a paid checkout this tab started (sent once per
 * purchase). No personal data. A client-side signal: the platform's webhook is the proof.
 */
export interface TesseraPurchaseDetail {
  event_id: string;
  title: string;
  tier_id: string;
  tier_name: string;
  quantity: number;
  total: TesseraMoney | null;
  /** The platform's reference for the checkout (HangHut's `checkout_id`). */
  checkout_id: string;
}

/** `tessera:handoff`: the buyer follows the link to an event sold on its platform's own page. */
export interface TesseraHandoffDetail {
  event_id: string;
  platform: string;
  url: string;
}

/** `tessera:error`: what the buyer was told. */
export interface TesseraErrorDetail {
  /** The proxy's error code, `unreachable` when no answer came, `other` for the rest. */
  kind: 'not_found' | 'sold_out' | 'invalid' | 'rate_limited' | 'platform_busy' | 'platform_down' | 'unreachable' | 'other' | (string & {});
  message: string;
}

/** Every `tessera:*` event, by name. They bubble and cross the shadow root. */
export interface TesseraEventMap {
  'tessera:ready': CustomEvent<TesseraReadyDetail>;
  'tessera:tier-change': CustomEvent<TesseraTierChangeDetail>;
  'tessera:checkout': CustomEvent<TesseraCheckoutDetail>;
  'tessera:purchase': CustomEvent<TesseraPurchaseDetail>;
  'tessera:handoff': CustomEvent<TesseraHandoffDetail>;
  'tessera:error': CustomEvent<TesseraErrorDetail>;
}

/** Options of `Tessera.mount`; they win over the element's attributes. */
export interface TesseraMountOptions {
  /** The event to sell; absent: the list of events. */
  event?: string;
  /** Base URL of the tessera proxy; default: the server `tessera.js` came from. */
  proxy?: string;
  /** BCP 47 tag for the language, money and dates; default: the browser's language. */
  locale?: string;
  /** In list mode, `calendar` shows a month with the events on their days. */
  view?: 'list' | 'calendar';
}

/**
 * `<tessera-tickets>`. Attributes (and `data-tessera-*` on any element): `event`, `proxy`,
 * `locale`, `view`; `data-tessera-datalayer` also pushes GA4 ecommerce events (`view_item`,
 * `select_item`, `begin_checkout`, `purchase`) to `window.dataLayer`. Changing an attribute or
 * its property shows the widget again.
 */
export interface TesseraTicketsElement extends HTMLElement {
  event: string | null;
  proxy: string | null;
  locale: string | null;
  view: string | null;
  addEventListener<K extends keyof TesseraEventMap>(type: K, listener: (this: TesseraTicketsElement, ev: TesseraEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: TesseraTicketsElement, ev: HTMLElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export interface TesseraApi {
  version: string;
  /** Mounts a widget in `element` (it resolves once the widget's code has loaded). */
  mount(element: HTMLElement, options?: TesseraMountOptions): Promise<void>;
}

/** A GA4 ecommerce push, as the widget makes it (after a `{ecommerce: null}` that clears the last). */
export interface TesseraDataLayerPush {
  event: 'view_item' | 'select_item' | 'begin_checkout' | 'purchase';
  ecommerce: {
    transaction_id?: string;
    currency?: string;
    /** Major units (1600 for ₱1,600.00), as GA4 takes it. */
    value?: number;
    coupon?: string;
    item_list_name?: string;
    items: { item_id: string; item_name: string; item_variant: string; price: number; quantity: number }[];
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'tessera-tickets': TesseraTicketsElement;
  }
  interface DocumentEventMap extends TesseraEventMap {}
  interface WindowEventMap extends TesseraEventMap {}
  interface HTMLElementEventMap extends TesseraEventMap {}
  interface Window {
    Tessera?: TesseraApi;
    dataLayer?: unknown[];
  }
}
