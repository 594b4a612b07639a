// The knowledge area's public entry: the article format and import parser, the text index terms,
// the retriever over the server's passages, and the extractive (no model) answer.
export {
  DEFAULT_THRESHOLD,
  extractiveAnswer,
  groundedPrompt,
  isUnknownText,
  unknownText,
  type Answer,
  type Citation,
} from './answer.ts';
export { searchFollowUp } from './followUp.ts';
export { lineDiff, type DiffLine } from './diff.ts';
export {
  IMPORT_EXTENSIONS,
  MAX_FILE_BYTES,
  parseFile,
  slugOf,
  type ArticleDraft,
  type ParsedFile,
} from './document.ts';
export { cosine, reciprocalRankFusion } from './fusion.ts';
export { createRetriever, type Retriever, type RetrieverOptions } from './retriever.ts';
export { analyzeTexts, termsOf, type Stemmer } from './analyze.ts';
export { TS_CONFIG, tsConfigOf } from './language.ts';
export { PHRASING_SEPARATOR } from './score.ts';
export { splitMarkdown, type Section } from './split.ts';
export { indexTerms } from './text.ts';
export {
  AUDIENCES,
  CATEGORIES,
  type Audience,
  type CandidatePassage,
  type Category,
  type CorpusStats,
  type KnowledgeSearch,
  type PassageHit,
  type PassageSource,
  type SearchRequest,
  type SearchResult,
  type VectorSearch,
  type ZhMode,
} from './types.ts';
