// Kernel reflection: parameter layout and resource use, computed once from verified IR, and its
// JSON form (the sidecar of .ptx/.spv artifacts).
#include "gpuc/ir/reflection.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

namespace gpuc::ir {

const char* param_kind_name(ParamKind k) {
  switch (k) {
    case ParamKind::Pointer:
      return "pointer";
    case ParamKind::Scalar:
      return "scalar";
    case ParamKind::Vector:
      return "vector";
    case ParamKind::Struct:
      return "struct";
    case ParamKind::Array:
      return "array";
  }
  return "?";
}

const char* param_role_name(ParamRole r) {
  switch (r) {
    case ParamRole::User:
      return "user";
    case ParamRole::BufferSize:
      return "buffer_size";
    case ParamRole::BoundsRecord:
      return "bounds_record";
  }
  return "?";
}

static bool parse_param_role(const std::string& s, ParamRole* r) {
  for (ParamRole c : {ParamRole::User, ParamRole::BufferSize, ParamRole::BoundsRecord})
    if (s == param_role_name(c)) {
      *r = c;
      return true;
    }
  return false;
}

uint32_t KernelReflection::user_param_count() const {
  uint32_t n = 0;
  while (n < params.size() && params[n].role == ParamRole::User) ++n;
  return n;
}

const BoundsSite* KernelReflection::find_bounds_site(uint32_t id) const {
  for (const BoundsSite& s : bounds_sites)
    if (s.id == id) return &s;
  return nullptr;
}

static bool parse_param_kind(const std::string& s, ParamKind* k) {
  for (ParamKind c : {ParamKind::Pointer, ParamKind::Scalar, ParamKind::Vector, ParamKind::Struct,
                      ParamKind::Array})
    if (s == param_kind_name(c)) {
      *k = c;
      return true;
    }
  return false;
}

const KernelReflection* ModuleReflection::find(const std::string& name) const {
  for (const KernelReflection& k : kernels)
    if (k.name == name) return &k;
  return nullptr;
}

namespace {

// Walks a kernel and every device function it (transitively) calls, once each.
class UsageScan {
 public:
  UsageScan(const Module& m, KernelReflection& k) : m_(m), k_(k) {}

  void function(const Function& f) {
    if (!visited_.insert(&f).second) return;
    for (const Param& p : f.params) note_type(p.type);
    region(f, f.body);
  }

 private:
  const Module& m_;
  KernelReflection& k_;
  std::unordered_set<const Function*> visited_;
  std::unordered_set<uint32_t> shared_globals_;

  void note_type(TypeId t) {
    const TypeTable& types = m_.types;
    TypeId s = types.is_pointer(t) ? types.pointee(t) : t;
    s = types.scalar_of(s);
    if (types.is_float(s) && types.info(s).width == 64) k_.uses_fp64 = true;
  }

  void region(const Function& f, RegionId r) {
    if (!f.is_valid(r)) return;
    const TypeTable& types = m_.types;
    for (InstId id : f.region(r).insts) {
      const Inst& in = f.inst(id);
      if (in.result.valid()) note_type(in.type);
      if (is_subgroup(in.op) || in.op == Op::LaneId || in.op == Op::WarpSize)
        k_.uses_subgroups = true;
      if (is_atomic(in.op) && in.result.valid()) {
        TypeId t = in.type;
        if (types.is_float(t)) k_.uses_float_atomics = true;
        if (types.is_int(t) && types.info(t).width == 64) k_.uses_int64_atomics = true;
      }
      if (in.op == Op::Global && in.symbol < m_.globals.size()) {
        const GlobalVar& g = m_.globals[in.symbol];
        if (g.space == AddressSpace::Shared && shared_globals_.insert(in.symbol).second) {
          uint32_t align = types.info(g.type).align;
          k_.static_shared_bytes = (k_.static_shared_bytes + align - 1) / align * align;
          k_.static_shared_bytes += types.info(g.type).size;
        }
      }
      if (in.op == Op::Call && in.symbol < m_.functions.size()) function(*m_.functions[in.symbol]);
      for (RegionId sub : in.regions) region(f, sub);
    }
  }
};

ParamKind kind_of(const TypeTable& types, TypeId t) {
  switch (types.kind(t)) {
    case TypeKind::Pointer:
      return ParamKind::Pointer;
    case TypeKind::Vector:
      return ParamKind::Vector;
    case TypeKind::Struct:
      return ParamKind::Struct;
    case TypeKind::Array:
      return ParamKind::Array;
    default:
      return ParamKind::Scalar;
  }
}

}  // namespace

ModuleReflection reflect(const Module& module) {
  ModuleReflection out;
  const TypeTable& types = module.types;
  for (const auto& fp : module.functions) {
    const Function& f = *fp;
    if (!f.is_kernel()) continue;
    KernelReflection k;
    k.name = f.name;
    k.fixed_block = f.fixed_block;
    k.max_block_threads = f.max_block_threads;
    uint32_t offset = 0;
    for (const Param& p : f.params) {
      const TypeInfo& info = types.info(p.type);
      ParamReflection pr;
      pr.name = p.name;
      pr.kind = kind_of(types, p.type);
      pr.type = types.to_string(p.type);
      pr.align = info.align;
      pr.size = info.size;
      offset = (offset + pr.align - 1) / pr.align * pr.align;
      pr.offset = offset;
      offset += pr.size;
      pr.readonly = p.readonly;
      pr.restrict = p.restrict;
      k.params.push_back(std::move(pr));
    }
    k.param_block_size = (offset + 7) / 8 * 8;
    UsageScan(module, k).function(f);
    out.kernels.push_back(std::move(k));
  }
  return out;
}

std::string reflection_to_json(const ModuleReflection& r) {
  nlohmann::ordered_json j;
  j["format"] = "gpuc-reflection";
  bool checked = false;
  for (const KernelReflection& k : r.kernels) checked = checked || k.bounds_checked;
  j["version"] = checked ? 2 : 1;
  nlohmann::ordered_json kernels = nlohmann::ordered_json::array();
  for (const KernelReflection& k : r.kernels) {
    nlohmann::ordered_json jk;
    jk["name"] = k.name;
    nlohmann::ordered_json params = nlohmann::ordered_json::array();
    for (const ParamReflection& p : k.params) {
      nlohmann::ordered_json jp;
      jp["name"] = p.name;
      jp["kind"] = param_kind_name(p.kind);
      jp["type"] = p.type;
      jp["offset"] = p.offset;
      jp["size"] = p.size;
      jp["align"] = p.align;
      jp["readonly"] = p.readonly;
      jp["restrict"] = p.restrict;
      if (p.role != ParamRole::User) {
        jp["role"] = param_role_name(p.role);
        if (p.role == ParamRole::BufferSize) {
          jp["sizes"] = p.sizes;
          jp["elem_size"] = p.elem_size;
        }
      }
      params.push_back(std::move(jp));
    }
    jk["params"] = std::move(params);
    jk["param_block_size"] = k.param_block_size;
    jk["fixed_block"] = {k.fixed_block[0], k.fixed_block[1], k.fixed_block[2]};
    jk["max_block_threads"] = k.max_block_threads;
    jk["static_shared_bytes"] = k.static_shared_bytes;
    jk["uses_subgroups"] = k.uses_subgroups;
    jk["uses_fp64"] = k.uses_fp64;
    jk["uses_int64_atomics"] = k.uses_int64_atomics;
    jk["uses_float_atomics"] = k.uses_float_atomics;
    if (k.bounds_checked) {
      jk["bounds_checked"] = true;
      nlohmann::ordered_json sites = nlohmann::ordered_json::array();
      for (const BoundsSite& s : k.bounds_sites)
        sites.push_back({{"id", s.id},
                         {"op", s.op},
                         {"type", s.type},
                         {"bytes", s.bytes},
                         {"function", s.function},
                         {"location", s.location}});
      jk["bounds_sites"] = std::move(sites);
    }
    kernels.push_back(std::move(jk));
  }
  j["kernels"] = std::move(kernels);
  return j.dump(2) + "\n";
}

bool reflection_from_json(const std::string& json, ModuleReflection* out, std::string* error) {
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    if (!j.is_object() || j.value("format", "") != "gpuc-reflection") {
      *error = "not a gpuc reflection document (missing \"format\": \"gpuc-reflection\")";
      return false;
    }
    int version = j.at("version").get<int>();
    if (version != 1 && version != 2) {
      *error = "unsupported reflection version " + std::to_string(version) +
               " (this gpuc reads 1 and 2)";
      return false;
    }
    ModuleReflection r;
    for (const auto& jk : j.at("kernels")) {
      KernelReflection k;
      k.name = jk.at("name").get<std::string>();
      for (const auto& jp : jk.at("params")) {
        ParamReflection p;
        p.name = jp.at("name").get<std::string>();
        if (!parse_param_kind(jp.at("kind").get<std::string>(), &p.kind)) {
          *error = "kernel '" + k.name + "': unknown parameter kind '" +
                   jp.at("kind").get<std::string>() + "'";
          return false;
        }
        p.type = jp.at("type").get<std::string>();
        p.offset = jp.at("offset").get<uint32_t>();
        p.size = jp.at("size").get<uint32_t>();
        p.align = jp.at("align").get<uint32_t>();
        p.readonly = jp.at("readonly").get<bool>();
        p.restrict = jp.at("restrict").get<bool>();
        if (jp.contains("role") && !parse_param_role(jp.at("role").get<std::string>(), &p.role)) {
          *error = "kernel '" + k.name + "': unknown parameter role '" +
                   jp.at("role").get<std::string>() + "'";
          return false;
        }
        if (p.role == ParamRole::BufferSize) {
          p.sizes = jp.at("sizes").get<uint32_t>();
          p.elem_size = jp.at("elem_size").get<uint32_t>();
        }
        if (p.align == 0 || (p.align & (p.align - 1)) || p.offset % p.align) {
          *error = "kernel '" + k.name + "': parameter '" + p.name + "' has a bad alignment";
          return false;
        }
        k.params.push_back(std::move(p));
      }
      k.param_block_size = jk.at("param_block_size").get<uint32_t>();
      for (const ParamReflection& p : k.params)
        if (uint64_t{p.offset} + p.size > k.param_block_size) {
          *error = "kernel '" + k.name + "': parameter '" + p.name + "' lies outside the block";
          return false;
        }
      const auto& fb = jk.at("fixed_block");
      for (int i = 0; i < 3; ++i) k.fixed_block[i] = fb.at(i).get<uint32_t>();
      k.max_block_threads = jk.at("max_block_threads").get<uint32_t>();
      k.static_shared_bytes = jk.at("static_shared_bytes").get<uint32_t>();
      k.uses_subgroups = jk.at("uses_subgroups").get<bool>();
      k.uses_fp64 = jk.at("uses_fp64").get<bool>();
      k.uses_int64_atomics = jk.at("uses_int64_atomics").get<bool>();
      k.uses_float_atomics = jk.at("uses_float_atomics").get<bool>();
      k.bounds_checked = jk.value("bounds_checked", false);
      if (k.bounds_checked)
        for (const auto& js : jk.at("bounds_sites")) {
          BoundsSite s;
          s.id = js.at("id").get<uint32_t>();
          s.op = js.at("op").get<std::string>();
          s.type = js.at("type").get<std::string>();
          s.bytes = js.at("bytes").get<uint32_t>();
          s.function = js.at("function").get<std::string>();
          s.location = js.at("location").get<std::string>();
          k.bounds_sites.push_back(std::move(s));
        }
      // Hidden parameters come after the user's, and a size names a user pointer parameter.
      uint32_t users = k.user_param_count();
      bool hidden = users != k.params.size();
      if (hidden != k.bounds_checked) {
        *error = "kernel '" + k.name + "': hidden parameters and \"bounds_checked\" disagree";
        return false;
      }
      for (uint32_t i = users; i < k.params.size(); ++i) {
        const ParamReflection& p = k.params[i];
        if (p.role == ParamRole::User ||
            (p.role == ParamRole::BufferSize &&
             (p.sizes >= users || k.params[p.sizes].kind != ParamKind::Pointer))) {
          *error = "kernel '" + k.name + "': hidden parameter '" + p.name + "' is malformed";
          return false;
        }
      }
      r.kernels.push_back(std::move(k));
    }
    *out = std::move(r);
    return true;
  } catch (const nlohmann::json::exception& e) {
    *error = std::string("malformed reflection JSON: ") + e.what();
    return false;
  }
}

}  // namespace gpuc::ir
