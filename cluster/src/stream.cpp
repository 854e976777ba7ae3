#include "swarmex/cluster/stream.hpp"

#include <chrono>
#include <thread>

#include "swarmex/cluster/error.hpp"

namespace swarmex::cluster {

namespace {

StreamState state_of(const jsStreamInfo* si) {
  StreamState st;
  st.first_seq = si->State.FirstSeq;
  st.last_seq = si->State.LastSeq;
  st.messages = si->State.Msgs;
  st.replicas = si->Config != nullptr ? si->Config->Replicas : 0;
  if (si->Cluster != nullptr) {
    if (si->Cluster->Leader != nullptr) st.leader = si->Cluster->Leader;
    for (int i = 0; i < si->Cluster->ReplicasLen; ++i)
      if (si->Cluster->Replicas[i] != nullptr && si->Cluster->Replicas[i]->Current)
        st.replicas_current.emplace_back(si->Cluster->Replicas[i]->Name);
  }
  return st;
}

}  // namespace

StreamState ensure_stream(JetStream& js, const StreamSpec& spec, std::int64_t wait_ms) {
  std::vector<const char*> subjects;
  for (const auto& s : spec.subjects)
    subjects.push_back(s.c_str());
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = spec.name.c_str();
  cfg.Subjects = subjects.data();
  cfg.SubjectsLen = static_cast<int>(subjects.size());
  cfg.Storage = spec.file_storage ? js_FileStorage : js_MemoryStorage;
  cfg.Replicas = spec.replicas;
  cfg.MaxBytes = spec.max_bytes;
  cfg.MaxMsgSize = spec.max_msg_bytes;
  cfg.Duplicates = spec.duplicate_window_ns;
  // The journal's: a full stream refuses, never drops batches.
  cfg.Discard = spec.discard_old ? js_DiscardOld : js_DiscardNew;
  cfg.MaxMsgsPerSubject = spec.max_msgs_per_subject;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    jsStreamInfo* si = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js.get(), &cfg, nullptr, &jerr);
    if (s == NATS_OK) {
      StreamState st = state_of(si);
      jsStreamInfo_Destroy(si);
      return st;
    }
    if (jerr == JSStreamNameExistErr) {
      StreamState st = stream_state(js, spec.name);
      if (st.replicas != spec.replicas)
        throw NatsError("stream " + spec.name + " exists with " + std::to_string(st.replicas) +
                            " replicas, not " + std::to_string(spec.replicas),
                        NATS_ERR, jerr);
      return st;
    }
    // No meta leader yet (a cluster that is still forming) or not enough servers: retry.
    if (std::chrono::steady_clock::now() >= deadline)
      throw_nats("create stream " + spec.name, s, jerr);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

StreamState stream_state(JetStream& js, const std::string& name) {
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetStreamInfo(&si, js.get(), name.c_str(), nullptr, &jerr);
  if (s != NATS_OK) throw_nats("stream info " + name, s, jerr);
  StreamState st = state_of(si);
  jsStreamInfo_Destroy(si);
  return st;
}

bool delete_stream(JetStream& js, const std::string& name) {
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_DeleteStream(js.get(), name.c_str(), nullptr, &jerr);
  if (s == NATS_OK) return true;
  if (jerr == JSStreamNotFoundErr || s == NATS_NOT_FOUND) return false;
  throw_nats("delete stream " + name, s, jerr);
}

}  // namespace swarmex::cluster
