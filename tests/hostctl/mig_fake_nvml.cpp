// A stand-in libnvidia-ml for tests: one H100 80GB in MIG mode, with the C entry points the NVML
// MIG backend resolves, written against nvml.h's documented behaviour. It lets the backend's
// dlopen/dlsym path, struct layouts, profile naming, default compute instance and roll-back run on
// hosts without a GPU. GPU-instance ids follow the driver's placement-derived scheme (7g: 0,
// halves: 1-2, quarters: 3-6, eighths: 7-14) so the backend cannot silently assume the simulator's.
#include <cstring>

namespace {

using Return = int;
constexpr Return kSuccess = 0, kInvalidArgument = 2, kNotSupported = 3, kNotFound = 6, kInUse = 19,
                 kInsufficientResources = 23;

struct Placement {
  unsigned start, size;
};
struct GpuProfileInfo {
  unsigned id, isP2pSupported, sliceCount, instanceCount, multiprocessorCount, copyEngineCount,
      decoderCount, encoderCount, jpegCount, ofaCount;
  unsigned long long memorySizeMB;
};
struct ComputeProfileInfo {
  unsigned id, sliceCount, instanceCount, multiprocessorCount, sharedCopyEngineCount,
      sharedDecoderCount, sharedEncoderCount, sharedJpegCount, sharedOfaCount;
};
struct Memory {
  unsigned long long total, free, used;
};

struct Row {  // one NVML_GPU_INSTANCE_PROFILE_* index
  bool present;
  unsigned id, slices, count;
  unsigned long long mb;
  unsigned start_mask, mem_slices;
};
// Indices 0..9: 1, 2, 3, 4, 7, 8, 6 slices, 1_REV1 (+me), 2_REV1, 1_REV2 (1g.20gb).
constexpr Row kRows[10] = {
    {true, 19, 1, 7, 9984, 0x7F, 1}, {true, 14, 2, 3, 20096, 0x15, 2},
    {true, 9, 3, 2, 40448, 0x11, 4}, {true, 5, 4, 1, 40448, 0x01, 4},
    {true, 0, 7, 1, 81152, 0x01, 8}, {false, 0, 0, 0, 0, 0, 0},
    {false, 0, 0, 0, 0, 0, 0},       {true, 20, 1, 1, 9984, 0x7F, 1},
    {false, 0, 0, 0, 0, 0, 0},       {true, 15, 1, 4, 20096, 0x55, 2},
};

struct Gi {
  bool live = false;
  const Row* row = nullptr;
  Placement placement{};
  bool has_ci = false;
  unsigned ci_profile = 0;
};
struct Ci {};  // one per GI at most; its handle is &cis[gi id]

int device_tag;  // the address is the one device handle
Gi gis[15];      // indexed by GPU-instance id
Ci cis[15];
Return fail_next_ci = kSuccess;

const Row* row_by_id(unsigned id) {
  for (const Row& r : kRows) {
    if (r.present && r.id == id) return &r;
  }
  return nullptr;
}
unsigned id_for(Placement p) {
  return p.size == 8   ? 0
         : p.size == 4 ? 1 + p.start / 4
         : p.size == 2 ? 3 + p.start / 2
                       : 7 + p.start;
}
bool fits(const Row& r, unsigned start) {
  if (start >= 8 || ((r.start_mask >> start) & 1u) == 0) return false;
  unsigned n = 0;
  for (const Gi& g : gis) {
    if (!g.live) continue;
    n += g.row == &r;
    if (start < g.placement.start + g.placement.size && g.placement.start < start + r.mem_slices) {
      return false;
    }
  }
  return n < r.count;
}
Gi* gi_of(void* handle) {
  Gi* g = static_cast<Gi*>(handle);
  return g >= gis && g < gis + 15 && g->live ? g : nullptr;
}
unsigned gi_index(const Gi* g) {
  return static_cast<unsigned>(g - gis);
}

}  // namespace

extern "C" {

void fake_nvml_reset() {
  for (Gi& g : gis)
    g = Gi{};
  fail_next_ci = kSuccess;
}
void fake_nvml_fail_next_compute_instance(int rc) {
  fail_next_ci = rc;
}

Return nvmlInit_v2() {
  return kSuccess;
}
Return nvmlShutdown() {
  return kSuccess;
}
const char* nvmlErrorString(Return rc) {
  switch (rc) {
    case kSuccess:
      return "Success";
    case kInvalidArgument:
      return "Invalid Argument";
    case kNotSupported:
      return "Not Supported";
    case kNotFound:
      return "Not Found";
    case kInUse:
      return "In use by another client";
    case kInsufficientResources:
      return "Insufficient Resources";
    default:
      return "Unknown Error";
  }
}
Return nvmlDeviceGetCount_v2(unsigned* n) {
  *n = 1;
  return kSuccess;
}
Return nvmlDeviceGetHandleByIndex_v2(unsigned i, void** dev) {
  if (i != 0) return kInvalidArgument;
  *dev = &device_tag;
  return kSuccess;
}
Return nvmlDeviceGetName(void*, char* out, unsigned len) {
  std::strncpy(out, "NVIDIA H100 80GB HBM3", len - 1);
  return kSuccess;
}
Return nvmlDeviceGetUUID(void*, char* out, unsigned len) {
  std::strncpy(out, "GPU-fa4e0000-0000-4000-8000-000000000000", len - 1);
  return kSuccess;
}
Return nvmlDeviceGetMemoryInfo(void*, Memory* m) {
  *m = Memory{81559ull << 20, 81000ull << 20, 559ull << 20};
  return kSuccess;
}
Return nvmlDeviceGetMigMode(void*, unsigned* current, unsigned* pending) {
  *current = *pending = 1;
  return kSuccess;
}
Return nvmlDeviceGetGpuInstanceProfileInfo(void*, unsigned index, GpuProfileInfo* info) {
  if (index >= 10) return kInvalidArgument;
  const Row& r = kRows[index];
  if (!r.present) return kNotSupported;
  *info = GpuProfileInfo{r.id,     0,        r.slices, r.count,  16 * r.slices,
                         r.slices, r.slices, 0,        r.slices, index == 7 ? 1u : 0u,
                         r.mb};
  return kSuccess;
}
Return nvmlDeviceGetGpuInstancePossiblePlacements_v2(void*, unsigned id, Placement* out,
                                                     unsigned* count) {
  const Row* r = row_by_id(id);
  if (r == nullptr) return kInvalidArgument;
  unsigned n = 0;
  for (unsigned s = 0; s < 8; ++s) {
    if (((r->start_mask >> s) & 1u) == 0) continue;
    if (out != nullptr && n < *count) out[n] = Placement{s, r->mem_slices};
    ++n;
  }
  *count = n;
  return kSuccess;
}
Return nvmlDeviceGetGpuInstanceRemainingCapacity(void*, unsigned id, unsigned* count) {
  const Row* r = row_by_id(id);
  if (r == nullptr) return kInvalidArgument;
  unsigned free_starts = 0, used = 0;
  for (unsigned s = 0; s < 8; ++s)
    free_starts += fits(*r, s) ? 1 : 0;
  for (const Gi& g : gis)
    used += g.live && g.row == r;
  *count = free_starts < r->count - used ? free_starts : r->count - used;
  return kSuccess;
}
Return nvmlDeviceGetGpuInstances(void*, unsigned id, void** out, unsigned* count) {
  const Row* r = row_by_id(id);
  if (r == nullptr) return kInvalidArgument;
  unsigned n = 0;
  for (Gi& g : gis) {
    if (g.live && g.row == r && n < *count) out[n++] = &g;
  }
  *count = n;
  return kSuccess;
}
struct GiInfo {
  void* device;
  unsigned id, profileId;
  Placement placement;
};
Return nvmlGpuInstanceGetInfo(void* handle, GiInfo* info) {
  Gi* g = gi_of(handle);
  if (g == nullptr) return kInvalidArgument;
  *info = GiInfo{&device_tag, gi_index(g), g->row->id, g->placement};
  return kSuccess;
}
Return nvmlDeviceCreateGpuInstanceWithPlacement(void*, unsigned id, const Placement* p,
                                                void** out) {
  const Row* r = row_by_id(id);
  if (r == nullptr || p->size != r->mem_slices || p->start >= 8 ||
      ((r->start_mask >> p->start) & 1u) == 0) {
    return kInvalidArgument;
  }
  if (!fits(*r, p->start)) return kInsufficientResources;
  Gi& g = gis[id_for(*p)];
  g = Gi{true, r, *p, false, 0};
  *out = &g;
  return kSuccess;
}
Return nvmlGpuInstanceGetComputeInstanceProfileInfo(void* handle, unsigned index, unsigned eng,
                                                    ComputeProfileInfo* info) {
  const Gi* g = gi_of(handle);
  if (g == nullptr || eng != 0) return kInvalidArgument;
  static constexpr unsigned kSlices[8] = {1, 2, 3, 4, 7, 8, 6, 1};
  if (index >= 8 || index == 5 || index == 6 || kSlices[index] > g->row->slices) {
    return kNotSupported;
  }
  *info =
      ComputeProfileInfo{index, kSlices[index], g->row->slices / kSlices[index], 0, 0, 0, 0, 0, 0};
  return kSuccess;
}
Return nvmlGpuInstanceCreateComputeInstance(void* handle, unsigned profile, void** out) {
  Gi* g = gi_of(handle);
  if (g == nullptr) return kInvalidArgument;
  if (fail_next_ci != kSuccess) {
    const Return rc = fail_next_ci;
    fail_next_ci = kSuccess;
    return rc;
  }
  if (g->has_ci || profile != (g->row->slices == 7 ? 4u : g->row->slices - 1)) {
    return kInsufficientResources;  // the fake only makes the one full-size compute instance
  }
  g->has_ci = true;
  g->ci_profile = profile;
  *out = &cis[gi_index(g)];
  return kSuccess;
}
Return nvmlGpuInstanceGetComputeInstances(void* handle, unsigned profile, void** out,
                                          unsigned* count) {
  Gi* g = gi_of(handle);
  if (g == nullptr) return kInvalidArgument;
  const unsigned n = g->has_ci && g->ci_profile == profile && *count > 0 ? 1 : 0;
  if (n == 1) out[0] = &cis[gi_index(g)];
  *count = n;
  return kSuccess;
}
Return nvmlComputeInstanceDestroy(void* handle) {
  Ci* c = static_cast<Ci*>(handle);
  if (c < cis || c >= cis + 15 || !gis[c - cis].has_ci) return kInvalidArgument;
  gis[c - cis].has_ci = false;
  return kSuccess;
}
Return nvmlGpuInstanceDestroy(void* handle) {
  Gi* g = gi_of(handle);
  if (g == nullptr) return kInvalidArgument;
  if (g->has_ci) return kInUse;  // as the driver: compute instances must go first
  *g = Gi{};
  return kSuccess;
}

}  // extern "C"
