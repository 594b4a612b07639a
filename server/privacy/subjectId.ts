// A data subject's id: what the key store names its files by, so it is checked before any path is built.
export const SUBJECT_ID = /^sub_[a-z0-9]{16,40}$/;
