package reg

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/go-zookeeper/zk"
)

// createAttempts bounds the retries of a create whose parents keep vanishing (containers the
// server reaps when empty, or concurrent removals).
const createAttempts = 5

// removeAttempts bounds Remove's retries against nodes created concurrently under the subtree.
const removeAttempts = 20

// pathError wraps a client error with the namespace-relative path it concerns.
func pathError(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("reg: %s: %w", path, err)
}

// nodeData is the wire form of a value: "" is zero bytes, never the null data a nil slice sends.
func nodeData(value string) []byte {
	return append([]byte{}, value...)
}

// Get reads a node directly from the server. A missing node is an error for which
// errors.Is(err, ErrNoNode) holds.
func (c *Center) Get(path string) (string, error) {
	data, _, err := c.conn.Get(c.abs(path))
	if err != nil {
		return "", pathError(path, err)
	}
	return string(data), nil
}

// GetVersion reads a node and its data version, for an OpUpdateVersion that changes it only if
// nobody has meanwhile.
func (c *Center) GetVersion(path string) (string, int32, error) {
	data, stat, err := c.conn.Get(c.abs(path))
	if err != nil {
		return "", 0, pathError(path, err)
	}
	return string(data), stat.Version, nil
}

// Stat is what the server says of a node besides its data.
type Stat struct {
	Version int32 // data version, for OpUpdateVersion
	Czxid   int64 // the transaction that created it
	Mzxid   int64 // the transaction that last wrote its data
	Ctime   time.Time
}

// GetStat reads a node and its Stat from the server: transaction ids order writes exactly,
// where times may tie.
func (c *Center) GetStat(path string) (string, Stat, error) {
	data, stat, err := c.conn.Get(c.abs(path))
	if err != nil {
		return "", Stat{}, pathError(path, err)
	}
	return string(data), Stat{Version: stat.Version, Czxid: stat.Czxid, Mzxid: stat.Mzxid, Ctime: time.UnixMilli(stat.Ctime)}, nil
}

// Ctime reads when a node was created, from the server: for a running node, when the run it
// marks began (the engine derives a crashed run's fire time from it, off the fire path).
func (c *Center) Ctime(path string) (time.Time, error) {
	ok, stat, err := c.conn.Exists(c.abs(path))
	if err == nil && (!ok || stat == nil) {
		err = zk.ErrNoNode
	}
	if err != nil {
		return time.Time{}, pathError(path, err)
	}
	return time.UnixMilli(stat.Ctime), nil
}

// Exists says whether a node exists, asking the server.
func (c *Center) Exists(path string) (bool, error) {
	ok, _, err := c.conn.Exists(c.abs(path))
	return ok, pathError(path, err)
}

// Children lists a node's children in reverse Java string order; a missing node has none.
func (c *Center) Children(path string) ([]string, error) {
	children, _, err := c.conn.Children(c.abs(path))
	if errors.Is(err, zk.ErrNoNode) {
		return nil, nil
	}
	if err != nil {
		return nil, pathError(path, err)
	}
	javastr.SortDescending(children)
	return children, nil
}

// Persist creates a persistent node (and missing parents), or updates it when it exists.
func (c *Center) Persist(path, value string) error {
	ok, err := c.Exists(path)
	if err != nil {
		return err
	}
	if !ok {
		_, err = c.create(path, value, 0)
		if !errors.Is(err, zk.ErrNodeExists) { // created meanwhile by someone else: update it
			return err
		}
	}
	return c.Update(path, value)
}

// CreateIfAbsent creates a persistent node (and missing parents) unless it exists.
func (c *Center) CreateIfAbsent(path, value string) (created bool, err error) {
	_, err = c.create(path, value, 0)
	if errors.Is(err, zk.ErrNodeExists) {
		return false, nil
	}
	return err == nil, err
}

// Update sets an existing node's data: check and set in one transaction.
func (c *Center) Update(path, value string) error {
	p := c.abs(path)
	res, err := c.conn.Multi(
		&zk.CheckVersionRequest{Path: p, Version: -1},
		&zk.SetDataRequest{Path: p, Data: nodeData(value), Version: -1},
	)
	_, err = multiError([]string{path, path}, res, err)
	return err
}

// PersistEphemeral deletes the node (recursively) if present, then creates it ephemeral with
// missing parents persistent: ElasticJob's persistEphemeral.
func (c *Center) PersistEphemeral(path, value string) error {
	if err := c.Remove(path); err != nil {
		return err
	}
	_, err := c.create(path, value, zk.FlagEphemeral)
	return err
}

// CreateEphemeral creates an ephemeral node (missing parents persistent); ErrNodeExists when
// it exists.
func (c *Center) CreateEphemeral(path, value string) error {
	_, err := c.create(path, value, zk.FlagEphemeral)
	return err
}

// CreateSequential creates a sequential node under path's parent with path as prefix and returns
// the created path.
func (c *Center) CreateSequential(path, value string, ephemeral bool) (string, error) {
	flags := int32(zk.FlagSequence)
	if ephemeral {
		flags |= zk.FlagEphemeral
	}
	return c.create(path, value, flags)
}

// create creates a node, creating missing parents first (persistent inside the namespace,
// containers for the namespace itself, as Curator does), and returns the created relative path.
func (c *Center) create(path, value string, flags int32) (string, error) {
	p := c.abs(path)
	for attempt := 0; ; attempt++ {
		created, err := c.conn.Create(p, nodeData(value), flags, c.acl)
		if err == nil {
			rel, _ := c.rel(created)
			return rel, nil
		}
		if !errors.Is(err, zk.ErrNoNode) || attempt == createAttempts {
			return "", pathError(path, err)
		}
		// A parent is missing, or a container parent was reaped between our requests.
		if err := c.createParents(p, false); err != nil && !errors.Is(err, zk.ErrNoNode) {
			return "", err
		}
	}
}

// createParents creates the missing ancestors of the absolute path p: the namespace nodes as
// containers, the others persistent, or containers too when containers is set (lock parents).
// It starts with the immediate parent and goes up only while a level is missing, so that a node
// whose parents mostly exist costs one request, not one per level.
func (c *Center) createParents(p string, containers bool) error {
	parent := p[:strings.LastIndexByte(p, '/')]
	if parent == "" {
		return nil
	}
	err := c.createParent(parent, containers)
	if errors.Is(err, zk.ErrNoNode) {
		if err := c.createParents(parent, containers); err != nil {
			return err
		}
		err = c.createParent(parent, containers)
	}
	if err != nil && !errors.Is(err, zk.ErrNodeExists) {
		rel, ok := c.rel(parent)
		if !ok {
			rel = parent
		}
		return pathError(rel, err)
	}
	return nil
}

func (c *Center) createParent(parent string, containers bool) error {
	if containers || len(parent) <= len(c.ns) {
		_, err := c.conn.CreateContainer(parent, nodeData(""), zk.FlagContainer, c.acl)
		return err
	}
	_, err := c.conn.Create(parent, nodeData(""), 0, c.acl)
	return err
}

// Remove deletes a node and everything below it; a missing node is not an error.
func (c *Center) Remove(path string) error {
	var err error
	for range removeAttempts {
		err = c.removeTree(c.abs(path))
		if err == nil || errors.Is(err, zk.ErrNoNode) {
			return nil
		}
		if !errors.Is(err, zk.ErrNotEmpty) { // NotEmpty: a child was created meanwhile
			break
		}
	}
	return pathError(path, err)
}

func (c *Center) removeTree(p string) error {
	children, _, err := c.conn.Children(p)
	if err != nil {
		return err
	}
	for _, child := range children {
		err := c.removeTree(strings.TrimSuffix(p, "/") + "/" + child)
		if err != nil && !errors.Is(err, zk.ErrNoNode) {
			return err
		}
	}
	return c.conn.Delete(p, -1)
}

// RegistryTime persists path with empty data and returns its modification time: the registry's
// clock, for maxTimeDiffSeconds.
func (c *Center) RegistryTime(path string) (time.Time, error) {
	if err := c.Persist(path, ""); err != nil {
		return time.Time{}, err
	}
	ok, stat, err := c.conn.Exists(c.abs(path))
	if err == nil && !ok {
		err = zk.ErrNoNode
	}
	if err != nil {
		return time.Time{}, pathError(path, err)
	}
	return time.UnixMilli(stat.Mtime), nil
}
