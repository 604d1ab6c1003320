import type { Webhook } from "../bindings/Webhook";

/** Lowercase without accents, so "ordenes" finds "Órdenes de compra". */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Whether a webhook's name, code or URL contains the query (case and accent blind). */
export function matchesSearch(webhook: Webhook, query: string): boolean {
  const needle = fold(query.trim());
  if (needle === "") return true;
  return [webhook.name, webhook.code, webhook.url].some((field) => fold(field).includes(needle));
}
