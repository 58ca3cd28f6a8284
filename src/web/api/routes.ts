/** The JSON API's routes as OpenAPI definitions: paths, parameters and response schemas, from the zod schemas. */
import { createRoute, type z } from '@hono/zod-openapi';
import { getTool } from '../../catalog/catalog.service.js';
import { listTools } from '../../catalog/tools.repo.js';
import { compareQuery, comparisonSchema, criticListSchema, criticOutSchema, criticParams, errorSchema, slugParams, toolDetailSchema, toolListQuery, toolPageSchema, toolReviewsSchema, toolSummarySchema } from './schemas.js';


const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(errorSchema, 'Bad parameters'),
  404: json(errorSchema, 'No such tool or critic'),
};

export const routes = {
  listTools: createRoute({
    method: 'get',
    path: '/tools',
    tags: ['tools'],
    summary: 'List or search tools, newest first (search: best name matches first)',
    request: { query: toolListQuery },
    responses: { 200: json(toolPageSchema, 'One page of tools'), 400: errors[400] },
  }),
  getTool: createRoute({
    method: 'get',
    path: '/tools/{slug}',
    tags: ['tools'],
    summary: "One tool with its panel and community verdicts and each critic's latest review",
    request: { params: slugParams },
    responses: { 200: json(toolDetailSchema, 'The tool'), ...errors },
  }),
  toolReviews: createRoute({
    method: 'get',
    path: '/tools/{slug}/reviews',
    tags: ['tools'],
    summary: "A tool's reviews: each critic's latest, and every revision with its origin (panel run or import), model, prompt version, tokens and latency",
    request: { params: slugParams },
    responses: { 200: json(toolReviewsSchema, 'Latest reviews and full history'), ...errors },
  }),
  toolSummary: createRoute({
    method: 'get',
    path: '/tools/{slug}/summary',
    tags: ['tools'],
    summary: "A tool's panel summary and community summary",
    request: { params: slugParams },
    responses: { 200: json(toolSummarySchema, 'Panel and community verdicts'), ...errors },
  }),
  listCritics: createRoute({
    method: 'get',
    path: '/critics',
    tags: ['critics'],
    summary: 'The panel of critics, in panel order',
    responses: { 200: json(criticListSchema, 'Every critic') },
  }),
  getCritic: createRoute({
    method: 'get',
    path: '/critics/{id}',
    tags: ['critics'],
    summary: 'One critic persona',
    request: { params: criticParams },
    responses: { 200: json(criticOutSchema, 'The critic'), ...errors },
  }),
  compare: createRoute({
    method: 'get',
    path: '/compare',
    tags: ['compare'],
    summary: 'Compare 2 to 4 tools: decision table, per-critic scorecard with picks, and the overall pick',
    request: { query: compareQuery },
    responses: { 200: json(comparisonSchema, 'The comparison'), ...errors },
  }),
};

/** Every API path (as written in the OpenAPI document), for tests and docs. */
export const API_PATHS = Object.values(routes).map((r) => r.path);
