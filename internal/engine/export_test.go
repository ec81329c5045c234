package engine

import "testing"

// BenchFire is BenchmarkFire's body, for package engine_test's benchmarks with observers that
// import the engine themselves (metrics).
func BenchFire(b *testing.B, monitor bool, obs Observer) { benchFire(b, monitor, obs) }
