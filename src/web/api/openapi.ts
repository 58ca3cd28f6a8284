/** The OpenAPI 3.1 document of the JSON API, generated from its routes' zod schemas. */
import type { Site } from '../site.js';
import { absolute, urls } from '../../urls.js';
import type { createApi } from './api.js';

/** The OpenAPI 3.1 document, generated from the routes' zod schemas. */
export function openApiDocument(site: Site, api: ReturnType<typeof createApi>) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Verdict API',
      version: '1.0.0',
      description:
        'Public, read-only API of Verdict: AI tools, the panel of AI critics that reviews them, their verdicts, community votes and comparisons. ' +
        'Errors always have the shape {"error":{"code","message"}}. Responses carry an ETag; send If-None-Match to get 304 when nothing changed.',
    },
    servers: [{ url: absolute(site.config.publicUrl, urls.api), description: 'This Verdict site' }],
    tags: [
      { name: 'tools', description: 'Tools, their verdicts and reviews' },
      { name: 'critics', description: 'The panel of critic personas' },
      { name: 'compare', description: 'Side-by-side comparisons' },
    ],
  });
}
