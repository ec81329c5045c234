package memzk

import (
	"strings"

	"github.com/go-zookeeper/zk"
)

// validatePath applies go-zookeeper's client-side path rules, which reject a bad path with
// zk.ErrInvalidPath before anything reaches the server. A sequential path may end in '/': the
// server appends the sequence number.
func validatePath(path string, sequential bool) error {
	if path == "" || path[0] != '/' {
		return zk.ErrInvalidPath
	}
	if path == "/" {
		return nil
	}
	if !sequential && strings.HasSuffix(path, "/") {
		return zk.ErrInvalidPath
	}
	segments := strings.Split(path[1:], "/")
	for i, seg := range segments {
		last := i == len(segments)-1
		if seg == "" && !(last && sequential) {
			return zk.ErrInvalidPath // "//"
		}
		if seg == "." || seg == ".." {
			return zk.ErrInvalidPath
		}
		for _, r := range seg {
			if forbiddenRune(r) {
				return zk.ErrInvalidPath
			}
		}
	}
	return nil
}

// forbiddenRune lists the characters ZooKeeper refuses in a node name (invalid UTF-8 reads as
// U+FFFD, which is among them).
func forbiddenRune(r rune) bool {
	return r <= 0x1f || (r >= 0x7f && r <= 0x9f) || (r >= 0xf000 && r <= 0xf8ff) || (r >= 0xfff0 && r < 0xffff)
}

// parentOf returns the parent path of an absolute path ("/" for a top-level node) and the
// node's name. The caller has checked that path contains a '/'.
func parentOf(path string) (parent, name string) {
	i := strings.LastIndexByte(path, '/')
	if i == 0 {
		return "/", path[1:]
	}
	return path[:i], path[i+1:]
}

// childPath joins a parent path and a child name.
func childPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}
