/**
 * Is a discovered item an AI tool? Rules first (pure): words in its name, description, topics and tags. Sources
 * that list only AI things (Hugging Face, GitHub and npm searched by AI topics) still pass through the rules, and
 * sources that list everything (Show HN, PyPI's newest, feeds) need a clear AI word. An item with only a weak word
 * ("agent", "assistant", "copilot", "model") is unclear: an LLM decides when one is configured, else it is not
 * proposed.
 */

/** Words that make an item an AI tool on their own. */
const STRONG =
  /\b(ai|a\.i\.|artificial intelligence|llms?|large language models?|gpt(?:-?\d[\w.]*)?|chatgpt|openai|anthropic|claude|gemini|llama\s?\d*|mistral|ollama|genai|generative|machine learning|deep learning|neural (?:net|network)s?|transformers?|diffusion|stable diffusion|text[- ]to[- ](?:image|speech|video)|speech[- ]to[- ]text|embeddings?|rag|retrieval[- ]augmented|fine[- ]?tun\w*|vector (?:db|database|search)|langchain|llamaindex|hugging ?face|inference|multimodal|vision[- ]language|computer vision|nlp|mcp|prompts?|chatbots?|ai[- ]powered|agentic|ml)\b/i;
/** Words that suggest AI but also describe plenty of other software. */
const WEAK = /\b(agents?|assistants?|copilots?|models?|autonomous|intelligent|smart|semantic|predict\w*|classif\w*|recogni[sz]\w*|transcri\w*|summari[sz]\w*)\b/i;

export type Relevance = { kind: 'ai'; why: string } | { kind: 'unclear'; why: string } | { kind: 'not-ai'; why: string };

export function relevance(item: { name: string; description: string; tags: readonly string[] }): Relevance {
  const tags = item.tags.join(' ').replace(/[-_]/g, ' ');
  const text = `${item.name.replace(/[-_]/g, ' ')}\n${item.description}\n${tags}`;
  const strong = STRONG.exec(text);
  if (strong) return { kind: 'ai', why: `mentions "${strong[0]}"` };
  const weak = WEAK.exec(text);
  if (weak) return { kind: 'unclear', why: `only mentions "${weak[0]}"` };
  return { kind: 'not-ai', why: 'no AI word in its name, description or tags' };
}

/** A source's signal against its threshold: below it, an item is not proposed. */
export function belowThreshold(signal: { value: number | null; metric: string }, min: number): string | undefined {
  if (signal.value === null || min <= 0) return undefined;
  return signal.value < min ? `${signal.value} ${signal.metric}, under the ${min} required` : undefined;
}

/** "2.1k stars", "143 points". */
export function signalText(value: number, metric: string): string {
  const n = value >= 10_000 ? `${Math.round(value / 1000)}k` : value >= 1000 ? `${(value / 1000).toFixed(1).replace(/\.0$/, '')}k` : String(value);
  return `${n} ${value === 1 ? metric.replace(/s$/, '') : metric}`;
}
