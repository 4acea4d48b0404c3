package awsqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/awsqlite/awsqlite/connection"
	"github.com/awsqlite/awsqlite/tables"
	"github.com/awsqlite/awsqlite/vtab"
)

// Config is an awsqlite configuration (see connection.Config).
type Config = connection.Config

// Option configures a Session (see the connection package's options).
type Option = connection.Option

// Session is an open awsqlite: the connection manager, the table engine and
// the *sql.DB over them.
type Session struct {
	cfg    *Config
	mgr    *connection.Manager
	engine *vtab.Engine
	db     *sql.DB
	close  []func()
}

// LoadConfig finds and parses the configuration: path when given, else
// $AWSQLITE_CONFIG, ./awsqlite.hcl, ~/.config/awsqlite/config.hcl, else the
// default connection from the standard credential chain.
func LoadConfig(path string) (*Config, error) {
	found, err := connection.FindConfig(path)
	if err != nil {
		return nil, err
	}
	if found == "" {
		return connection.DefaultConfig(), nil
	}
	return connection.LoadConfig(found)
}

// New opens a session on cfg.
func New(ctx context.Context, cfg *Config, opts ...Option) (*Session, error) {
	if cfg == nil {
		cfg = connection.DefaultConfig()
	}
	mgr, err := connection.NewManager(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	s := &Session{cfg: cfg, mgr: mgr}
	specs := append(tables.All(), metaTables(mgr)...)
	s.engine, err = vtab.New(mgr, specs...)
	if err != nil {
		return nil, err
	}
	s.db = sql.OpenDB(s.engine.Connector())
	return s, nil
}

// Open opens a session on cfg and returns its *sql.DB. Closing the DB is
// enough; the session has no other resources.
func Open(ctx context.Context, cfg *Config, opts ...Option) (*sql.DB, error) {
	s, err := New(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	return s.db, nil
}

// DB returns the session's database.
func (s *Session) DB() *sql.DB { return s.db }

// Manager returns the session's connection manager.
func (s *Session) Manager() *connection.Manager { return s.mgr }

// Engine returns the session's table engine.
func (s *Session) Engine() *vtab.Engine { return s.engine }

// Config returns the session's configuration.
func (s *Session) Config() *Config { return s.cfg }

// Close closes the database and whatever the session started (the demo
// emulator).
func (s *Session) Close() error {
	err := s.db.Close()
	for i := len(s.close) - 1; i >= 0; i-- {
		s.close[i]()
	}
	return err
}

func init() { sql.Register("awsqlite", sqlDriver{}) }

// sqlDriver is the "awsqlite" database/sql driver: the data source name is
// a configuration file path.
type sqlDriver struct{}

func (sqlDriver) Open(name string) (driver.Conn, error) {
	c, err := sqlDriver{}.OpenConnector(name)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

func (sqlDriver) OpenConnector(name string) (driver.Connector, error) {
	cfg, err := LoadConfig(name)
	if err != nil {
		return nil, err
	}
	s, err := New(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("awsqlite: %w", err)
	}
	return s.engine.Connector(), nil
}
