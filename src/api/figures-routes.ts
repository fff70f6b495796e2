import { Router, type Request, type Response } from 'express';
import type { Directory } from '../app/directory';
import { TAB_DECISIONS, type Figures } from '../app/figures';
import { quarterOf } from '../domain/figures';
import type { Clock } from '../domain/shared/clock';
import { authenticate, authenticatedMember, requireRole, type TokenVerifier } from './auth-bearer';
import { boardPackPdf, PDF_MEDIA_TYPE } from './board-pack/pdf';
import { boardPackXlsx, XLSX_MEDIA_TYPE } from './board-pack/xlsx';
import { figuresView } from './tab-views/figures';

export interface FiguresRoutesDeps {
  verifier: TokenVerifier;
  directory: Directory;
  figures: Pick<Figures, 'quarter'>;
  clock: Clock;
}

/** `/api/registers/board-pack-2026-Q3.pdf` (or `.xlsx`): the file part after `board-pack-`. */
const BOARD_PACK_FILE = /^(\d{4}-Q[1-4])\.(pdf|xlsx)$/;

/**
 * The quarter's figures for leads (issue 20):
 *   GET /api/tab/figures?quarter=2026-Q3           the tab's Figures view (JSON; this quarter when none given)
 *   GET /api/registers/board-pack-2026-Q3.pdf      the board pack as one PDF
 *   GET /api/registers/board-pack-2026-Q3.xlsx     the same figures as an Excel workbook
 * Each needs a bearer token (401 without) of a lead or admin (403 for a member). A quarter that is not
 * `YYYY-Qn`, or has not begun, is 400. The figures are read once per request from the kept rows (see
 * src/app/figures.ts); nothing is cached. The tab's view lists the newest 100 of the quarter's decisions
 * with how many there are; the board pack lists every one.
 */
export function figuresRouter(deps: FiguresRoutesDeps): Router {
  const router = Router();
  const lead = requireRole(deps.directory, 'lead', 'see the quarter figures and board pack');
  const auth = authenticate(deps.verifier, deps.directory);

  router.get('/api/tab/figures', auth, lead, async (req: Request, res: Response) => {
    const asked = req.query['quarter'];
    const quarter = typeof asked === 'string' && asked ? asked : quarterOf(deps.clock.now()).id;
    const figures = await deps.figures.quarter(authenticatedMember(res), quarter, {
      decisions: TAB_DECISIONS,
    });
    res.json(figuresView(figures));
  });

  router.get('/api/registers/board-pack-:file', auth, lead, async (req: Request, res: Response) => {
    const [, quarter, format] = BOARD_PACK_FILE.exec(String(req.params['file'])) ?? [];
    if (!quarter) {
      res.status(404).json({
        error: {
          code: 'not_found',
          message: 'Ask for a board pack as board-pack-2026-Q3.pdf or board-pack-2026-Q3.xlsx.',
        },
      });
      return;
    }
    const view = figuresView(await deps.figures.quarter(authenticatedMember(res), quarter));
    const body = format === 'pdf' ? await boardPackPdf(view) : await boardPackXlsx(view);
    res
      .setHeader('Cache-Control', 'no-store')
      .type(format === 'pdf' ? PDF_MEDIA_TYPE : XLSX_MEDIA_TYPE)
      .attachment(`ctac-board-pack-${quarter}.${format}`)
      .send(body);
  });

  return router;
}
