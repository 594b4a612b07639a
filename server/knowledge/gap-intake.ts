// Questions entering the gap loop as people asked them: a thumbs-down on an answer, or a search
// answered below the confidence threshold. Redaction runs first, outside any transaction; if it
// fails, nothing at all is written (not even the feedback count) and the caller is told why.
import type { DataSource } from 'typeorm';
import { DEFAULT_THRESHOLD, type SearchResult } from '../../gateway/knowledge/index.ts';
import { AppError } from '../errors.ts';
import { recordFeedback, recordUnanswered } from './gaps.ts';
import type { QuestionRedactor } from './redact-question.ts';

export async function submitFeedback(props: {
  dataSource: DataSource;
  redact: QuestionRedactor;
  articleId: string;
  versionId: string;
  helpful: boolean;
  question?: string;
  language?: string;
}): Promise<{ questionRecorded: boolean }> {
  // Only an unhelpful answer's question is kept; a helpful one's is never redacted nor stored.
  const redactedQuestion =
    !props.helpful && props.question ? await props.redact(props.question, props.language) : undefined;
  await props.dataSource.transaction((tx) =>
    recordFeedback({
      tx,
      articleId: props.articleId,
      versionId: props.versionId,
      helpful: props.helpful,
      redactedQuestion,
      language: props.language,
    }),
  );
  return { questionRecorded: redactedQuestion !== undefined };
}

export type GapNote =
  { recorded: true; id: string; occurrences: number } | { recorded: false; error: { id: string; message: string } };

/** Records a search answered below the threshold; undefined when the answer was confident. */
export async function noteLowConfidence(props: {
  dataSource: DataSource;
  redact: QuestionRedactor;
  question: string;
  language?: string;
  result: SearchResult;
  threshold?: number;
}): Promise<GapNote | undefined> {
  const confidence = props.result.passages[0]?.confidence ?? 0;
  if (confidence >= (props.threshold ?? DEFAULT_THRESHOLD)) return undefined;
  try {
    const redactedQuestion = await props.redact(props.question, props.language);
    const row = await props.dataSource.transaction((tx) =>
      recordUnanswered({ tx, redactedQuestion, reason: 'low_confidence', language: props.language, confidence }),
    );
    return { recorded: true, ...row };
  } catch (err) {
    // The search answer stands; only the gap note is lost, and the response says so.
    if (err instanceof AppError && err.status !== 500)
      return { recorded: false, error: { id: err.id, message: err.message } };
    throw err;
  }
}
