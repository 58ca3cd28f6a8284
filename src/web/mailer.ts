/** One mailer per site, for the routes that send mail (digest, sign-in, reports, admin). */
import type { Site } from './site.js';
import { createMailer, type Mailer } from '../mail/mailer.js';

const mailers = new WeakMap<Site, Mailer>();
/** One mailer per site (an SMTP transport keeps its settings; tests start one site per SMTP server). */
export const mailerFor = (site: Site): Mailer => {
  let m = mailers.get(site);
  if (!m) mailers.set(site, (m = createMailer(site.config)));
  return m;
};
