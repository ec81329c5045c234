// Package model holds the element type of a dataflow job in another package.
package model

// Order is one order to export.
type Order struct {
	ID    int
	Total int64
}
