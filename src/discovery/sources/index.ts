// Every discovery source by its id, as DISCOVERY_SOURCES and `verdict discover --source` name them.
import type { DiscoverySourceId } from '../../config.js';
import type { DiscoverySource } from '../source.js';
import { hnSource } from './hn.js';
import { githubSource } from './github.js';
import { huggingfaceSource } from './huggingface.js';
import { npmSource } from './npm.js';
import { pypiSource } from './pypi.js';
import { feedsSource } from './feeds.js';
import { productHuntSource } from './producthunt.js';

export const SOURCES: Record<DiscoverySourceId, DiscoverySource> = {
  hn: hnSource,
  github: githubSource,
  huggingface: huggingfaceSource,
  npm: npmSource,
  pypi: pypiSource,
  feeds: feedsSource,
  producthunt: productHuntSource,
};
