// Says a tool's pricing in words ("$20/mo (paid)", "Free (open source, Apache-2.0)").
import type { PRICING_MODELS } from './schemas.js';

export type PricingModel = (typeof PRICING_MODELS)[number];

export const PRICING_LABELS: Record<PricingModel, string> = {
  free: 'Free',
  freemium: 'Freemium',
  paid: 'Paid',
  'open-source': 'Open source',
  unknown: 'Pricing unknown',
};

/** "Free (open source, Apache-2.0)", "$20/mo (paid)", and plain "Free" rather than "Free (free)". */
export function pricingText(p: { model: PricingModel; entry: string; license?: string | null }): string {
  const model = PRICING_LABELS[p.model].toLowerCase();
  const extra = [p.entry.toLowerCase() === model ? '' : model, p.license].filter(Boolean).join(', ');
  return extra ? `${p.entry} (${extra})` : p.entry;
}
