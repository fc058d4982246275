// The one place that knows how GDAL's C++ file-system interface differs between the versions we
// build against (Debian 12: 3.6, Debian 13: 3.10). Everything else includes this, never #if.
#pragma once

#include <cpl_vsi_virtual.h>
#include <gdal.h>

namespace furthest::io {

/// A VSIVirtualHandle that forwards every call to `inner` (owned), for wrappers that watch
/// what is read through it.
class ForwardingHandle : public VSIVirtualHandle {
public:
    explicit ForwardingHandle(VSIVirtualHandle* inner) : inner_(inner) {}
    ~ForwardingHandle() override { delete inner_; }
    ForwardingHandle(const ForwardingHandle&) = delete;
    ForwardingHandle& operator=(const ForwardingHandle&) = delete;

    int Seek(vsi_l_offset offset, int whence) override { return inner_->Seek(offset, whence); }
    vsi_l_offset Tell() override { return inner_->Tell(); }
    size_t Read(void* buffer, size_t size, size_t count) override { return inner_->Read(buffer, size, count); }
    int ReadMultiRange(int ranges, void** data, const vsi_l_offset* offsets, const size_t* sizes) override {
        return inner_->ReadMultiRange(ranges, data, offsets, sizes);
    }
    size_t Write(const void* buffer, size_t size, size_t count) override { return inner_->Write(buffer, size, count); }
    int Eof() override { return inner_->Eof(); }
    int Flush() override { return inner_->Flush(); }
    int Close() override { return inner_->Close(); }
    int Truncate(vsi_l_offset size) override { return inner_->Truncate(size); }
    void* GetNativeFileDescriptor() override { return inner_->GetNativeFileDescriptor(); }
    VSIRangeStatus GetRangeStatus(vsi_l_offset offset, vsi_l_offset length) override {
        return inner_->GetRangeStatus(offset, length);
    }
    bool HasPRead() const override { return inner_->HasPRead(); }
    size_t PRead(void* buffer, size_t size, vsi_l_offset offset) const override { return inner_->PRead(buffer, size, offset); }
#if GDAL_VERSION_NUM >= GDAL_COMPUTE_VERSION(3, 7, 0)
    void AdviseRead(int ranges, const vsi_l_offset* offsets, const size_t* sizes) override {
        inner_->AdviseRead(ranges, offsets, sizes);
    }
#endif
#if GDAL_VERSION_NUM >= GDAL_COMPUTE_VERSION(3, 10, 0)
    int Error() override { return inner_->Error(); }
    void ClearErr() override { inner_->ClearErr(); }
#endif

protected:
    VSIVirtualHandle* inner_;
};

/// A VSIFilesystemHandler that forwards every call to `inner` (not owned: GDAL's handlers live as
/// long as the process), for wrappers that vet paths before they reach it.
class ForwardingFilesystem : public VSIFilesystemHandler {
public:
    explicit ForwardingFilesystem(VSIFilesystemHandler* inner) : inner_(inner) {}

    VSIVirtualHandle* Open(const char* path, const char* access, bool set_error, CSLConstList options) override {
        return inner_->Open(path, access, set_error, options);
    }
    int Stat(const char* path, VSIStatBufL* buffer, int flags) override { return inner_->Stat(path, buffer, flags); }
    int Unlink(const char* path) override { return inner_->Unlink(path); }
    int* UnlinkBatch(CSLConstList paths) override { return inner_->UnlinkBatch(paths); }
    int Mkdir(const char* path, long mode) override { return inner_->Mkdir(path, mode); }
    int Rmdir(const char* path) override { return inner_->Rmdir(path); }
    int RmdirRecursive(const char* path) override { return inner_->RmdirRecursive(path); }
#if GDAL_VERSION_NUM < GDAL_COMPUTE_VERSION(3, 7, 0)
    char** ReadDir(const char* path) override { return ReadDirEx(path, 0); }
#endif
    char** ReadDirEx(const char* path, int max_files) override { return inner_->ReadDirEx(path, max_files); }
    char** SiblingFiles(const char* path) override { return inner_->SiblingFiles(path); }
    int Rename(const char* from, const char* to) override { return inner_->Rename(from, to); }
    int IsCaseSensitive(const char* path) override { return inner_->IsCaseSensitive(path); }
    GIntBig GetDiskFreeSpace(const char* path) override { return inner_->GetDiskFreeSpace(path); }
    int SupportsSparseFiles(const char* path) override { return inner_->SupportsSparseFiles(path); }
    int HasOptimizedReadMultiRange(const char* path) override { return inner_->HasOptimizedReadMultiRange(path); }
    const char* GetActualURL(const char* path) override { return inner_->GetActualURL(path); }
    const char* GetOptions() override { return inner_->GetOptions(); }
    char* GetSignedURL(const char* path, CSLConstList options) override { return inner_->GetSignedURL(path, options); }
    VSIDIR* OpenDir(const char* path, int depth, const char* const* options) override {
        return inner_->OpenDir(path, depth, options);
    }
    char** GetFileMetadata(const char* path, const char* domain, CSLConstList options) override {
        return inner_->GetFileMetadata(path, domain, options);
    }
    bool AbortPendingUploads(const char* path) override { return inner_->AbortPendingUploads(path); }
    std::string GetStreamingFilename(const std::string& path) const override { return inner_->GetStreamingFilename(path); }
    bool IsLocal(const char* path) override { return inner_->IsLocal(path); }
    bool SupportsSequentialWrite(const char* path, bool temp) override { return inner_->SupportsSequentialWrite(path, temp); }
    bool SupportsRandomWrite(const char* path, bool temp) override { return inner_->SupportsRandomWrite(path, temp); }
    bool SupportsRead(const char* path) override { return inner_->SupportsRead(path); }

protected:
    VSIFilesystemHandler* inner_;
};

}  // namespace furthest::io
