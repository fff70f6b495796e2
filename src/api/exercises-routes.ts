import { Router } from 'express';
import type { Directory } from '../app/directory';
import { exerciseRegisterCsv } from '../app/exercise-csv';
import type { Exercises } from '../app/exercises';
import { CSV_CONTENT_TYPE } from '../app/register-csv';
import type { Reviews } from '../app/reviews';
import type { LessonsView } from '../contract/reviews';
import { isExerciseId } from '../domain/exercises';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import { formatUkDate } from '../domain/shared/time';
import { exerciseReportPdf } from './exercise-report-pdf';
import { authenticate, authenticatedMember, requireRole, type TokenVerifier } from './auth-bearer';

export interface ExercisesRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  exercises: Pick<Exercises, 'list' | 'reportMarkdown' | 'report'>;
  reviews: Pick<Reviews, 'search'>;
  clock: Clock;
}

/**
 * Exercise mode and reviews over HTTP (issue 21): `GET /api/registers/exercises.csv` (the register) and
 * `GET /api/registers/exercises/<id>.md` or `.pdf` (one exercise's report), leads only; `GET /api/tab/lessons?q=` (the
 * tab's Lessons view), members. 401 without a valid bearer token, 403 below the role.
 */
export function exercisesRouter(deps: ExercisesRoutesDeps): Router {
  const router = Router();
  const auth = authenticate(deps.verifier, deps.directory);
  const lead = requireRole(deps.directory, 'lead', 'export exercises');
  router.get('/api/registers/exercises.csv', auth, lead, async (_req, res) => {
    const exercises = await deps.exercises.list(authenticatedMember(res));
    res
      .type(CSV_CONTENT_TYPE)
      .attachment(`ctac-exercises-${ukCalendarDate(deps.clock.now())}.csv`)
      .send(exerciseRegisterCsv(exercises));
  });
  router.get('/api/registers/exercises/:file', auth, lead, async (req, res) => {
    const [, id = '', format = ''] =
      /^(.+)\.(md|pdf)$/.exec(String(req.params['file'] ?? '')) ?? [];
    if (!isExerciseId(id)) throw new CtacError('not_found', 'There is no such exercise.');
    const caller = authenticatedMember(res);
    if (format === 'pdf') {
      const pdf = await exerciseReportPdf(await deps.exercises.report(caller, id));
      res.type('application/pdf').attachment(`ctac-exercise-${id}.pdf`).send(pdf);
      return;
    }
    const document = await deps.exercises.reportMarkdown(caller, id);
    res.type('text/markdown; charset=utf-8').attachment(`ctac-exercise-${id}.md`).send(document);
  });
  router.get(
    '/api/tab/lessons',
    auth,
    requireRole(deps.directory, 'member', 'search lessons'),
    async (req, res) => {
      const query = typeof req.query['q'] === 'string' ? req.query['q'].slice(0, 200) : '';
      const hits = await deps.reviews.search(authenticatedMember(res), query);
      const view: LessonsView = {
        query,
        lessons: hits.map((h) => ({
          subjectKind: h.subject.kind,
          subjectId: h.subject.id,
          title: h.subject.title,
          whatHappened: h.whatHappened,
          lessons: h.lessons,
          savedBy: h.savedBy,
          savedOn: formatUkDate(h.savedAt),
          openActions: h.openActions,
        })),
      };
      res.json(view);
    },
  );
  return router;
}
