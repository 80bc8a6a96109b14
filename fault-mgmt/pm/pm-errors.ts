import { NotFound } from '../../platform/http/problem-details.ts';
import { uriPrefix, VNFLCM, VNFPM } from '../../platform/http/sol-api.ts';

export class PmJobNotFound extends NotFound {
  constructor(id: string) {
    super(`PM job ${id} not found.`);
  }
}

export class PerformanceReportNotFound extends NotFound {
  constructor(jobId: string, reportId: string) {
    super(`Performance report ${reportId} of PM job ${jobId} not found (reports expire).`);
  }
}

export class ThresholdNotFound extends NotFound {
  constructor(id: string) {
    super(`Threshold ${id} not found.`);
  }
}

/** The URIs of the VNF PM resources and of the VNF instances they measure. */
export class PmLinks {
  constructor(private readonly publicUrl: string) {}

  pmJob(id: string): string {
    return `${this.publicUrl}${uriPrefix(VNFPM)}/pm_jobs/${id}`;
  }

  report(jobId: string, reportId: string): string {
    return `${this.pmJob(jobId)}/reports/${reportId}`;
  }

  threshold(id: string): string {
    return `${this.publicUrl}${uriPrefix(VNFPM)}/thresholds/${id}`;
  }

  /** SOL003 5.4.3: the Individual VNF instance resource. */
  vnfInstance(id: string): string {
    return `${this.publicUrl}${uriPrefix(VNFLCM)}/vnf_instances/${id}`;
  }
}
