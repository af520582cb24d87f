import type { SpeakerService, RegisterJobPayload } from '../services/speakers.js';
import type { SynthesisService, SynthesizePayload } from '../services/synthesis.js';
import type { JobRow, JobType } from '../store/jobs-repo.js';
import type { JobHandler } from './queue.js';

/** What each job type runs; the payload was validated when the job was accepted. */
export function jobHandlers(
  speakers: SpeakerService,
  synthesis: SynthesisService,
): Record<JobType, JobHandler> {
  const owner = (job: JobRow) => ({ keyId: job.key_id, project: job.project, admin: false });
  const registration = (job: JobRow) => JSON.parse(job.payload_json) as RegisterJobPayload;
  return {
    synthesize: {
      run: (job, ctx) =>
        synthesis.run(job.id, owner(job), JSON.parse(job.payload_json) as SynthesizePayload, ctx),
    },
    register_speaker: {
      run: (job, ctx) => speakers.completeRegistration(job.id, registration(job), ctx.signal),
      onFailed: (job, code, message) => speakers.failRegistration(registration(job), code, message),
      onCanceled: (job) => speakers.cancelRegistration(registration(job)),
    },
  };
}
