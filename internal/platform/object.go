package platform

import (
	"fmt"
	"strings"
)

// ObjectType names the kinds of kernel objects the cache holds.
type ObjectType uint8

const (
	TypeLink ObjectType = iota
	TypeIP4Address
	TypeIP6Address
	TypeIP4Route
	TypeIP6Route
	TypeIP4Rule
	TypeIP6Rule
	numObjectTypes
)

var objectTypeNames = [numObjectTypes]string{
	"link", "ip4-address", "ip6-address", "ip4-route", "ip6-route", "ip4-rule", "ip6-rule",
}

func (t ObjectType) String() string {
	if t < numObjectTypes {
		return objectTypeNames[t]
	}
	return fmt.Sprintf("ObjectType(%d)", t)
}

// Types is a set of object types, one bit each.
type Types uint8

// Bit returns the set holding only t.
func (t ObjectType) Bit() Types { return 1 << t }

// Has reports whether t is in the set.
func (s Types) Has(t ObjectType) bool { return s&t.Bit() != 0 }

// AllTypes is every object type.
const AllTypes = Types(1<<numObjectTypes - 1)

// Convenience sets.
const (
	AddressTypes = Types(1<<TypeIP4Address | 1<<TypeIP6Address)
	RouteTypes   = Types(1<<TypeIP4Route | 1<<TypeIP6Route)
	RuleTypes    = Types(1<<TypeIP4Rule | 1<<TypeIP6Rule)
)

func (s Types) String() string {
	var names []string
	for t := range numObjectTypes {
		if s.Has(t) {
			names = append(names, t.String())
		}
	}
	return strings.Join(names, ",")
}

// Op is what happened to a cached object.
type Op uint8

const (
	Added Op = iota + 1
	Changed
	Removed
)

func (o Op) String() string {
	switch o {
	case Added:
		return "added"
	case Changed:
		return "changed"
	case Removed:
		return "removed"
	}
	return fmt.Sprintf("Op(%d)", o)
}
