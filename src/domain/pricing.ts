import type { PRICING_MODELS } from './schemas.js';

export type PricingModel = (typeof PRICING_MODELS)[number];

export const PRICING_LABELS: Record<PricingModel, string> = {
  free: 'Free',
  freemium: 'Freemium',
  paid: 'Paid',
  'open-source': 'Open source',
};

/** "Free (open source, Apache-2.0)", "$20/mo (paid)". */
export function pricingText(p: { model: PricingModel; entry: string; license?: string | null }): string {
  const extra = [PRICING_LABELS[p.model].toLowerCase(), p.license].filter(Boolean).join(', ');
  return `${p.entry} (${extra})`;
}
