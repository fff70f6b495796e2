import type { AckLinkCleanupJob } from '../jobs/ack-link-cleanup-job';
import type { AlertInboxJob } from '../jobs/alert-inbox-job';
import type { EscalationJob } from '../jobs/escalation-job';
import type { ExportLinkCleanupJob } from '../jobs/export-link-cleanup-job';
import type { ExerciseJob } from '../jobs/exercise-job';
import type { HsaReminderJob } from '../jobs/hsa-reminder-job';
import type { LoopSettings } from '../jobs/job-loop';
import type { NhsAlertsPoller } from '../jobs/nhs-alerts-poller';
import type { OutboxJob } from '../jobs/outbox-job';
import type { PageReceiptsJob } from '../jobs/page-receipts-job';
import type { RegulatoryClockJob } from '../jobs/regulatory-clock-job';
import { RETENTION_CHECK_MS, type RetentionJob } from '../jobs/retention-job';
import type { RiskReminderJob } from '../jobs/risk-reminder-job';
import type { RotaJobs } from '../jobs/rota-jobs';
import type { SupplierReminderJob } from '../jobs/supplier-reminder-job';

/** How often the escalation job looks for due timers. */
const ESCALATION_TICK_MS = 15_000;
/** How often the NHS cyber alerts API is polled (when NHS_CYBER_ALERTS_URL is set). */
const NHS_POLL_MS = 5 * 60_000;
/** How often overdue HSA responses are looked for. */
const HSA_REMINDER_MS = 10 * 60_000;
/** How often the NIS and data breach clocks are looked at for reminders due (marks are hours apart). */
const REGULATORY_REMINDER_MS = 5 * 60_000;
/** How often escalated risks are looked at for reminders due to the leads. */
const RISK_REMINDER_MS = 10 * 60_000;
/** How often suppliers' reviews and assurance expiries are looked at (each reminder goes once, on its day). */
const SUPPLIER_REMINDER_MS = 60 * 60_000;
/** How often old acknowledge links are looked for (they are deleted a week after expiring). */
const ACK_LINK_CLEANUP_MS = 60 * 60_000;
/** How often old export links are looked for (they are deleted a day after expiring). */
const EXPORT_LINK_CLEANUP_MS = 60 * 60_000;
/** How often the rota's jobs look for handovers, reminders and gaps. */
const ROTA_TICK_MS = 60_000;
/** How often GOV.UK Notify's delivery receipts due are checked (the first is due 30 s after sending). */
const PAGE_RECEIPTS_TICK_MS = 15_000;

/** The background jobs, each of which a test may also drive itself with tick(). */
export interface BackgroundJobs {
  /** Makes alerts of what the webhook accepted (woken by it; scans for rows left undone). */
  alertInbox: AlertInboxJob;
  escalation: EscalationJob;
  rota: RotaJobs;
  sendQueue: OutboxJob;
  hsaReminders: HsaReminderJob;
  riskReminders: RiskReminderJob;
  /** Tells the leads 30 and 7 days before a supplier review or an assurance expiry. */
  supplierReminders?: SupplierReminderJob;
  /** Reminds the leads at 24, 48, 60 and 70 hours of a NIS or data breach clock. */
  regulatoryReminders?: RegulatoryClockJob;
  ackLinkCleanup: AckLinkCleanupJob;
  /** Deletes old one-time export links. */
  exportLinkCleanup?: ExportLinkCleanupJob;
  /** Exercise mode: scripted alerts at their minute; the yearly exercise and review action reminders. */
  exercises?: ExerciseJob;
  /** Deletes what is older than RETENTION_YEARS, once a UK day. */
  retention: RetentionJob;
  /** Only when NHS_CYBER_ALERTS_URL is set. */
  nhsPoller?: NhsAlertsPoller;
  /** Polls GOV.UK Notify for delivery receipts; only when Notify is configured. */
  pageReceipts?: PageReceiptsJob;
}

/** Starts every job on its timer (settings: the loop's timers, metrics and backoff). */
export function startJobs(jobs: BackgroundJobs, settings: LoopSettings = {}): void {
  jobs.alertInbox.start(settings);
  jobs.rota.start(ROTA_TICK_MS, settings);
  jobs.escalation.start(ESCALATION_TICK_MS, settings);
  jobs.nhsPoller?.start(NHS_POLL_MS, settings);
  jobs.hsaReminders.start(HSA_REMINDER_MS, settings);
  jobs.riskReminders.start(RISK_REMINDER_MS, settings);
  jobs.supplierReminders?.start(SUPPLIER_REMINDER_MS, settings);
  jobs.regulatoryReminders?.start(REGULATORY_REMINDER_MS, settings);
  jobs.ackLinkCleanup.start(ACK_LINK_CLEANUP_MS, settings);
  jobs.exportLinkCleanup?.start(EXPORT_LINK_CLEANUP_MS, settings);
  jobs.exercises?.start(settings);
  jobs.retention.start(RETENTION_CHECK_MS, settings);
  jobs.pageReceipts?.start(PAGE_RECEIPTS_TICK_MS, settings);
  jobs.sendQueue.start(settings);
}

/**
 * Stops every job after its tick in progress; the outbox stores the refreshes it was gathering. Safe
 * when the jobs were never started.
 */
export async function stopJobs(jobs: BackgroundJobs): Promise<void> {
  await jobs.alertInbox.stop();
  await jobs.rota.stop();
  await jobs.escalation.stop();
  await jobs.nhsPoller?.stop();
  await jobs.hsaReminders.stop();
  await jobs.riskReminders.stop();
  await jobs.supplierReminders?.stop();
  await jobs.regulatoryReminders?.stop();
  await jobs.ackLinkCleanup.stop();
  await jobs.exportLinkCleanup?.stop();
  await jobs.exercises?.stop();
  await jobs.retention.stop();
  await jobs.pageReceipts?.stop();
  await jobs.sendQueue.stop();
}
