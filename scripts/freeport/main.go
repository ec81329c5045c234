// Command freeport prints N free loopback TCP ports (default 1), space-separated, for
// scripts/zookeeper.sh.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/internal/zktest/freeport"
)

func main() {
	n := 1
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "freeport: count %q is not a positive number\n", os.Args[1])
			os.Exit(2)
		}
		n = v
	}
	ports, err := freeport.Ports(n)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	words := make([]string, len(ports))
	for i, p := range ports {
		words[i] = strconv.Itoa(p)
	}
	fmt.Println(strings.Join(words, " "))
}
