// Package lifecycletest holds what the lifecycle and ejctl tests run: service, a real
// elasticjob-go service process with three jobs, whose runs it prints one per line.
package lifecycletest
