//===- ZipArchive.cpp - Members of a zip file, read through libzip --------===//

#include "frontends/keras3/ZipArchive.h"

#include "llvm/ADT/StringSet.h"

#include <ctime>
#include <zip.h>

using namespace cnnc;

struct ZipReader::Handle {
  zip_t *archive = nullptr;
  ~Handle() {
    if (archive)
      zip_discard(archive);
  }
};

ZipReader::~ZipReader() = default;

llvm::Error ZipReader::fail(const llvm::Twine &message) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "'" + displayName + "': " + message.str());
}

/// A member name that would leave the folder it is extracted to (Keras
/// extracts assets): absolute, or with a `..` component, in either
/// separator. cnnc extracts nothing, but such a name in a `.keras` file is
/// a crafted one.
static bool leavesArchive(llvm::StringRef name) {
  if (name.starts_with("/") || name.starts_with("\\") ||
      (name.size() > 1 && name[1] == ':'))
    return true;
  std::string slashed = name.str();
  std::replace(slashed.begin(), slashed.end(), '\\', '/');
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(slashed).split(parts, '/');
  return llvm::is_contained(parts, "..");
}

llvm::Expected<std::unique_ptr<ZipReader>>
ZipReader::open(llvm::StringRef bytes, llvm::StringRef displayName) {
  std::unique_ptr<ZipReader> reader(new ZipReader);
  reader->displayName = displayName.str();
  reader->handle = std::make_unique<Handle>();
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *source =
      zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) {
    zip_error_fini(&error);
    return reader->fail("cannot read it as a zip archive");
  }
  // ZIP_CHECKCONS compares the central directory with each local header:
  // a truncated or spliced archive is refused here, not half-read.
  reader->handle->archive =
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (!reader->handle->archive) {
    // libzip refuses two members of one name as it opens the archive.
    bool duplicate = zip_error_code_zip(&error) == ZIP_ER_EXISTS;
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    zip_source_free(source);
    if (duplicate)
      return reader->fail("two of its members have the same name");
    return reader->fail("not a zip archive, or a damaged one (" + why + ")");
  }
  zip_error_fini(&error);

  zip_int64_t count = zip_get_num_entries(reader->handle->archive, 0);
  llvm::StringSet<> seen;
  for (zip_int64_t i = 0; i < count; ++i) {
    const char *name =
        zip_get_name(reader->handle->archive, zip_uint64_t(i), ZIP_FL_ENC_RAW);
    if (!name)
      return reader->fail("member " + llvm::Twine(i) + " has no name");
    llvm::StringRef nameRef(name);
    if (leavesArchive(nameRef))
      return reader->fail("member '" + nameRef +
                          "' has a path that leaves the archive");
    if (!seen.insert(nameRef).second)
      return reader->fail("two members are named '" + nameRef + "'");
    reader->memberNames.push_back(nameRef.str());
  }
  return reader;
}

llvm::Expected<std::optional<std::string>> ZipReader::read(llvm::StringRef name,
                                                           uint64_t maxBytes) {
  zip_int64_t index =
      zip_name_locate(handle->archive, name.str().c_str(), ZIP_FL_ENC_RAW);
  if (index < 0)
    return std::nullopt;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(handle->archive, zip_uint64_t(index), 0, &stat) != 0 ||
      !(stat.valid & ZIP_STAT_SIZE))
    return fail("member '" + name + "' is damaged");
  if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
      stat.encryption_method != ZIP_EM_NONE)
    return fail("member '" + name + "' is encrypted");
  if ((stat.valid & ZIP_STAT_COMP_METHOD) && stat.comp_method != ZIP_CM_STORE &&
      stat.comp_method != ZIP_CM_DEFLATE)
    return fail("member '" + name +
                "' is compressed by a method other than deflate (method " +
                llvm::Twine(stat.comp_method) + ")");
  if (stat.size > maxBytes)
    return fail("member '" + name + "' declares " + llvm::Twine(stat.size) +
                " bytes, more than the " + llvm::Twine(maxBytes) +
                " cnnc reads for it");

  zip_file_t *file = zip_fopen_index(handle->archive, zip_uint64_t(index), 0);
  if (!file)
    return fail("cannot open member '" + name +
                "': " + zip_strerror(handle->archive));
  // Grown as bytes arrive, never beyond what the member declared: a
  // lying header costs nothing until its bytes are really there.
  std::string bytes;
  char chunk[1 << 16];
  std::string error;
  for (;;) {
    zip_int64_t got = zip_fread(file, chunk, sizeof chunk);
    if (got < 0) {
      error = zip_file_strerror(file);
      break;
    }
    if (got == 0)
      break;
    if (bytes.size() + uint64_t(got) > stat.size) {
      error = "it inflates to more than the " + std::to_string(stat.size) +
              " bytes it declares";
      break;
    }
    bytes.append(chunk, size_t(got));
  }
  zip_fclose(file);
  if (!error.empty())
    return fail("member '" + name + "' is damaged: " + error);
  if (bytes.size() != stat.size)
    return fail("member '" + name +
                "' is truncated: " + llvm::Twine(bytes.size()) + " of the " +
                llvm::Twine(stat.size) + " bytes it declares");
  return std::optional<std::string>(std::move(bytes));
}

llvm::Expected<std::string> cnnc::writeZip(llvm::ArrayRef<ZipMember> members) {
  auto failure = [](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot build the zip archive: " + why);
  };
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *target = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_error_fini(&error);
  if (!target)
    return failure("out of memory");
  // The archive writes into `target`, which outlives zip_close.
  zip_source_keep(target);
  zip_t *archive = zip_open_from_source(target, ZIP_TRUNCATE, nullptr);
  if (!archive) {
    zip_source_free(target);
    return failure("libzip refused to create it");
  }
  time_t now = time(nullptr);
  for (const ZipMember &member : members) {
    zip_source_t *data =
        zip_source_buffer(archive, member.bytes.data(), member.bytes.size(), 0);
    zip_int64_t index = data ? zip_file_add(archive, member.name.c_str(), data,
                                            ZIP_FL_ENC_UTF_8)
                             : -1;
    if (index < 0) {
      if (data)
        zip_source_free(data);
      zip_discard(archive);
      zip_source_free(target);
      return failure("cannot add '" + member.name + "'");
    }
    if (zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_STORE,
                                 0) != 0 ||
        zip_file_set_mtime(archive, zip_uint64_t(index), now, 0) != 0) {
      zip_discard(archive);
      zip_source_free(target);
      return failure("cannot store '" + member.name + "'");
    }
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    zip_source_free(target);
    return failure("libzip could not write it");
  }
  std::string bytes;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(target, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) ||
      zip_source_open(target) != 0) {
    zip_source_free(target);
    return failure("cannot read back what libzip wrote");
  }
  bytes.resize(size_t(stat.size));
  zip_int64_t got = zip_source_read(target, bytes.data(), stat.size);
  zip_source_close(target);
  zip_source_free(target);
  if (got != zip_int64_t(stat.size))
    return failure("cannot read back what libzip wrote");
  return bytes;
}
