// Package jobtype turns ElasticJob's job kinds into item runners the engine calls once per
// sharding item: script jobs (a program run without a shell), HTTP jobs, and dataflow jobs
// (fetch then process, optionally streaming). It also sizes the per-job item pool.
//
// Every runner has the engine's ItemRunner method set,
// RunItem(ctx context.Context, sc jobapi.ShardingContext) error, without importing the engine.
package jobtype
