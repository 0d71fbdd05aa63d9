package device

import "github.com/gonm/gonm/internal/platform"

// Short names for the platform's object types used throughout.
type (
	platformObj   = platform.ObjectType
	platformRoute = platform.Route
)

const (
	platformIP4Address = platform.TypeIP4Address
	platformIP6Address = platform.TypeIP6Address
	platformIP4Route   = platform.TypeIP4Route
	platformIP6Route   = platform.TypeIP6Route
)
