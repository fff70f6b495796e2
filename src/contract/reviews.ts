/** One review's lessons as the tab's Lessons view and the `lessons` command list them. */
export interface LessonHitView {
  subjectKind: 'alert' | 'exercise';
  subjectId: string;
  title: string;
  whatHappened: string;
  /** "Went well: ...", "To improve: ...". */
  lessons: string[];
  savedBy: string;
  /** UK date, such as 3 Dec 2026. */
  savedOn: string;
  openActions: number;
}

/** GET /api/tab/lessons?q= */
export interface LessonsView {
  query: string;
  lessons: LessonHitView[];
}
