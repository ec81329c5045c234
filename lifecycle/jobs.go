package lifecycle

import (
	"context"
	"slices"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
	"github.com/elasticjob-go/elasticjob/internal/nodepath"
	"github.com/elasticjob-go/elasticjob/starter"
)

// The job statistics: ElasticJob's JobStatisticsAPI.

// JobsTotalCount is the number of nodes under the namespace root, as ElasticJob counts jobs
// (also those without a configuration).
func (o *Operator) JobsTotalCount(ctx context.Context) (int, error) {
	jobs, err := o.jobNames(ctx)
	return len(jobs), err
}

// Jobs is every job with a configuration, sorted by name.
func (o *Operator) Jobs(ctx context.Context) ([]JobBriefInfo, error) {
	names, err := o.jobNames(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	jobs := []JobBriefInfo{}
	for _, name := range names {
		info, ok, err := o.jobBrief(ctx, name, now)
		if err != nil {
			return nil, err
		}
		if ok {
			jobs = append(jobs, info)
		}
	}
	return jobs, nil
}

// Job is one job's brief information; ErrNotFound when it has no configuration.
func (o *Operator) Job(ctx context.Context, job string) (JobBriefInfo, error) {
	if err := checkJobName(job); err != nil {
		return JobBriefInfo{}, err
	}
	info, ok, err := o.jobBrief(ctx, job, time.Now())
	if err == nil && !ok {
		err = jobNotFound(job)
	}
	return info, err
}

// JobWithConfig is Job and Config of one job from one reading of its config node (a page that
// shows both need not read it twice); ErrNotFound when it has no configuration.
func (o *Operator) JobWithConfig(ctx context.Context, job string) (JobBriefInfo, JobConfiguration, error) {
	cfg, err := o.mustConfig(ctx, job)
	if err != nil {
		return JobBriefInfo{}, cfg, err
	}
	info, err := o.briefOf(ctx, job, cfg, time.Now())
	return info, cfg, err
}

func (o *Operator) jobBrief(ctx context.Context, job string, now time.Time) (JobBriefInfo, bool, error) {
	cfg, ok, err := o.config(ctx, job)
	if err != nil || !ok {
		return JobBriefInfo{}, false, err
	}
	info, err := o.briefOf(ctx, job, cfg, now)
	return info, err == nil, err
}

// briefOf is the brief information of job, whose configuration is cfg.
func (o *Operator) briefOf(ctx context.Context, job string, cfg JobConfiguration, now time.Time) (JobBriefInfo, error) {
	info := JobBriefInfo{
		JobName: job, Description: cfg.Description, Cron: cfg.Cron,
		ShardingTotalCount: cfg.ShardingTotalCount, NextFireTime: nextFire(cfg, now),
	}
	instances, err := o.children(ctx, nodepath.Instances(job))
	if err != nil {
		return info, err
	}
	info.InstanceCount = len(instances)
	info.Status, err = o.jobStatus(ctx, job, instances)
	return info, err
}

// jobStatus is ElasticJob's getJobStatus: CRASHED, DISABLED, SHARDING_FLAG, OK, in that order.
func (o *Operator) jobStatus(ctx context.Context, job string, instances []string) (JobStatus, error) {
	if len(instances) == 0 {
		return JobCrashed, nil
	}
	servers, err := o.children(ctx, nodepath.Servers(job))
	if err != nil {
		return "", err
	}
	allDisabled := true
	for _, ip := range servers {
		value, _, err := o.get(ctx, nodepath.Server(job, ip))
		if err != nil {
			return "", err
		}
		if nodedata.ServerValueEnabled(value) {
			allDisabled = false
			break
		}
	}
	if allDisabled {
		return JobDisabled, nil
	}
	items, err := o.children(ctx, nodepath.Sharding(job))
	if err != nil {
		return "", err
	}
	assigned := 0
	for _, name := range items {
		item, ok := nodepath.ParseItem(name)
		if !ok {
			continue // not an item: foreign data, as Sharding skips it
		}
		owner, _, err := o.get(ctx, nodepath.ItemInstance(job, item))
		if err != nil {
			return "", err
		}
		if owner == "" {
			continue
		}
		assigned++
		if !slices.Contains(instances, owner) {
			return JobShardingFlag, nil
		}
	}
	if assigned == 0 {
		return JobShardingFlag, nil
	}
	return JobOK, nil
}

// JobsOnServer is the jobs that have a server node for ip, sorted by name, as ElasticJob's
// getJobsBriefInfo(ip): DISABLED when the engine reads that node so (exactly DISABLED), else OK; the instance
// count is of the job's instances on ip; no cron or description. ErrNotFound when no job has
// the server.
func (o *Operator) JobsOnServer(ctx context.Context, ip string) ([]JobBriefInfo, error) {
	names, err := o.jobNames(ctx)
	if err != nil {
		return nil, err
	}
	jobs := []JobBriefInfo{}
	for _, job := range names {
		value, ok, err := o.get(ctx, nodepath.Server(job, ip))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		info := JobBriefInfo{JobName: job, Status: JobOK}
		if !nodedata.ServerValueEnabled(value) {
			info.Status = JobDisabled
		}
		ips, _, err := o.instanceIPs(ctx, job)
		if err != nil {
			return nil, err
		}
		for _, on := range ips {
			if on == ip {
				info.InstanceCount++
			}
		}
		jobs = append(jobs, info)
	}
	if len(jobs) == 0 {
		return nil, serverNotFound(ip)
	}
	slices.SortFunc(jobs, func(a, b JobBriefInfo) int { return javastr.Compare(a.JobName, b.JobName) })
	return jobs, nil
}

// nextFire is the job's next scheduled fire after now; nil without cron or when none is left.
func nextFire(cfg JobConfiguration, now time.Time) *time.Time {
	if cfg.Cron == "" {
		return nil
	}
	sched, err := starter.ParseCron(cfg.Cron, cfg.TimeZone)
	if err != nil {
		return nil
	}
	next := sched.Next(now)
	if next.IsZero() {
		return nil
	}
	return &next
}
