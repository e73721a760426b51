// Package atomicfile writes files whole or not at all: through a temporary
// file in the target's directory, renamed over the target. The rename
// replaces a symlink at the target instead of following it, and the new
// file has the mode asked for, whatever the mode of the file it replaces.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data, with mode.
func Write(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	err = tmp.Chmod(mode) // before the data: CreateTemp makes it 0600, never wider
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}
