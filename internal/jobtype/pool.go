package jobtype

import (
	"fmt"
	"runtime"
)

// PoolSize is the number of items of one run that may execute at once, from
// jobExecutorServiceHandlerType: CPU (the default, also for "") is 2 × runtime.NumCPU(),
// SINGLE_THREAD is 1.
func PoolSize(handlerType string) (int, error) {
	switch handlerType {
	case "", "CPU":
		return 2 * runtime.NumCPU(), nil
	case "SINGLE_THREAD":
		return 1, nil
	}
	return 0, fmt.Errorf("jobExecutorServiceHandlerType %q: want CPU or SINGLE_THREAD", handlerType)
}
