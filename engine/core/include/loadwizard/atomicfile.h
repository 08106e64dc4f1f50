#pragma once

#include <loadwizard/error.h>

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace Loadwizard {

/// A file replaced all at once: written to a temporary file in the same folder, then fsync'ed
/// and renamed over the target by commit(), so readers see the old or the new content, never a
/// part. Opening early checks that the folder is writable before any work is done; a file never
/// committed leaves nothing behind, even when the process is killed (the temporary file has no
/// name until commit(), where the file system supports O_TMPFILE). A symlink is written through (a
/// dangling one creates its target), the replaced file's mode kept; a folder is refused at open();
/// a device or a FIFO
/// (/dev/null, /dev/stdout, a process substitution) is written in place, never renamed over.
class AtomicFile
{
public:
    /// Creates the temporary file next to `path`; an error names the path and the reason.
    static tl::expected<AtomicFile, Error> open(const std::string &path);

    AtomicFile(AtomicFile &&other) noexcept;
    AtomicFile &operator=(AtomicFile &&other) noexcept;
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;
    /// Removes the temporary file unless commit() succeeded.
    ~AtomicFile();

    const std::string &path() const { return m_path; }
    tl::expected<void, Error> write(std::string_view data);
    /// Flushes and renames over the target. Once.
    tl::expected<void, Error> commit();

private:
    AtomicFile() = default;
    Error failure(const std::string &what, int error) const;
    void abandon();
    /// An unnamed (O_TMPFILE) file gets its temporary name, before the rename.
    tl::expected<void, Error> giveName();

    std::string m_path;      ///< as given, for errors
    std::string m_target;    ///< symlinks resolved
    std::string m_temporary; ///< empty once committed or abandoned
    int m_fd = -1;
    int m_failed = 0;       ///< the errno that ended the file, repeated by later calls
    bool m_direct = false;  ///< not a regular file (a device, a FIFO): written in place
    bool m_unnamed = false; ///< O_TMPFILE: no name until commit()
};

/// Writes `content` to `path` through an AtomicFile.
tl::expected<void, Error> writeFileAtomically(const std::string &path, std::string_view content);

} // namespace Loadwizard
