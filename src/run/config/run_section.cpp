// [run]: the working CRS, the thread budget, network access and the folders a run may touch.
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_run_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    const auto& run = reader.section(root, "run", false);
    reader.check_keys(run, "[run]", {"crs", "threads", "allow_network", "allowed_folders"});
    if (auto crs = reader.text(run, "[run]", "crs", false, "a CRS such as \"EPSG:27700\""); !crs.empty())
        config.working_crs = crs;
    if (const toml::node* threads = run.get("threads")) {
        auto value = threads->value_exact<std::int64_t>();
        if (!value || *value < 0 || *value > 1024)
            reader.fail("'threads' in [run] must be a whole number from 0 (all cores) to 1024");
        config.threads = static_cast<int>(*value);
    }
    if (const toml::node* network = run.get("allow_network")) {
        auto value = network->value<bool>();
        if (!value) reader.fail("'allow_network' in [run] must be true or false");
        config.allow_network = *value;
    }

    if (const toml::node* folders = run.get("allowed_folders")) {
        const toml::array* list = folders->as_array();
        if (list == nullptr) reader.fail("'allowed_folders' in [run]" + line_of(*folders) + " must be a list of folder paths");
        toml::table holder;
        for (const auto& item : *list) {
            if (!item.is_string())
                reader.fail("'allowed_folders' in [run]" + line_of(item) + " must hold folder paths (strings)");
            holder.insert_or_assign("folder", item.as_string()->get());
            config.allowed_folders.push_back(reader.path(holder, "[run] allowed_folders", "folder"));
        }
    }
}

}  // namespace furthest::run_detail
