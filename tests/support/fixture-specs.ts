// The tiny fixture encoders as the sense tests load them (tests/fixtures/make_fixtures.py).
import type { ModelSpec } from '@/models/shared/protocol';

export const TINY_BERT: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased', family: 'bert', dtype: 'q8' };
export const TINY_DISTILBERT: ModelSpec = { id: 'sesame-fixtures/tiny-distilbert-uncased', family: 'distilbert', dtype: 'fp32' };
export const TINY_ERNIE: ModelSpec = { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie', dtype: 'q8' };
