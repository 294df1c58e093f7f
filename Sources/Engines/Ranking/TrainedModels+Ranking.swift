extension TrainedModels {
    /// The models of a ranking workload: the ranking model, its click model
    /// standing in as the scoring models (a version to print; engines rank
    /// through `ranking` and never score entity features with it).
    public static func ranking(_ model: RankingModel, trainingRows: Int, positives: Int) -> TrainedModels {
        let clickModel = ScoringModel(regression: model.regression, usesRequestFeatures: false)
        return TrainedModels(entityOnly: clickModel, full: clickModel, trainingRows: trainingRows, positives: positives,
                             ranking: model)
    }
}
