export type Emit = (row: Record<string, unknown>) => void;
