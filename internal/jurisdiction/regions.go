package jurisdiction

// The region tables: every region AWS and GCP offer, with the country of its data
// centres as the providers publish it. Sources: the AWS "Regions and Availability
// Zones" page and the Google Cloud "Cloud locations" page. Add a region here, with its
// country, before a stack can use it.

func aws(name, city, country, partition string) Region {
	return Region{Cloud: AWS, Name: name, City: city, Country: country, Partition: partition}
}

func gcp(name, city, country string) Region {
	return Region{Cloud: GCP, Name: name, City: city, Country: country, Partition: "gcp"}
}

var regionTable = map[Cloud][]Region{
	AWS: {
		aws("us-east-1", "N. Virginia", "US", "aws"),
		aws("us-east-2", "Ohio", "US", "aws"),
		aws("us-west-1", "N. California", "US", "aws"),
		aws("us-west-2", "Oregon", "US", "aws"),
		aws("us-gov-east-1", "Ohio (GovCloud)", "US", "aws-us-gov"),
		aws("us-gov-west-1", "Oregon (GovCloud)", "US", "aws-us-gov"),
		aws("ca-central-1", "Montréal", "CA", "aws"),
		aws("ca-west-1", "Calgary", "CA", "aws"),
		aws("mx-central-1", "Querétaro", "MX", "aws"),
		aws("sa-east-1", "São Paulo", "BR", "aws"),
		aws("eu-central-1", "Frankfurt", "DE", "aws"),
		aws("eu-central-2", "Zurich", "CH", "aws"),
		aws("eu-west-1", "Dublin", "IE", "aws"),
		aws("eu-west-2", "London", "GB", "aws"),
		aws("eu-west-3", "Paris", "FR", "aws"),
		aws("eu-south-1", "Milan", "IT", "aws"),
		aws("eu-south-2", "Aragón", "ES", "aws"),
		aws("eu-north-1", "Stockholm", "SE", "aws"),
		aws("eusc-de-east-1", "Brandenburg (European Sovereign Cloud)", "DE", "aws-eusc"),
		aws("il-central-1", "Tel Aviv", "IL", "aws"),
		aws("me-south-1", "Bahrain", "BH", "aws"),
		aws("me-central-1", "UAE", "AE", "aws"),
		aws("af-south-1", "Cape Town", "ZA", "aws"),
		aws("ap-east-1", "Hong Kong", "HK", "aws"),
		aws("ap-east-2", "Taipei", "TW", "aws"),
		aws("ap-south-1", "Mumbai", "IN", "aws"),
		aws("ap-south-2", "Hyderabad", "IN", "aws"),
		aws("ap-northeast-1", "Tokyo", "JP", "aws"),
		aws("ap-northeast-2", "Seoul", "KR", "aws"),
		aws("ap-northeast-3", "Osaka", "JP", "aws"),
		aws("ap-southeast-1", "Singapore", "SG", "aws"),
		aws("ap-southeast-2", "Sydney", "AU", "aws"),
		aws("ap-southeast-3", "Jakarta", "ID", "aws"),
		aws("ap-southeast-4", "Melbourne", "AU", "aws"),
		aws("ap-southeast-5", "Malaysia", "MY", "aws"),
		aws("ap-southeast-6", "Auckland", "NZ", "aws"),
		aws("ap-southeast-7", "Thailand", "TH", "aws"),
		aws("cn-north-1", "Beijing", "CN", "aws-cn"),
		aws("cn-northwest-1", "Ningxia", "CN", "aws-cn"),
	},
	GCP: {
		gcp("us-central1", "Council Bluffs, Iowa", "US"),
		gcp("us-east1", "Moncks Corner, South Carolina", "US"),
		gcp("us-east4", "Ashburn, Virginia", "US"),
		gcp("us-east5", "Columbus, Ohio", "US"),
		gcp("us-south1", "Dallas, Texas", "US"),
		gcp("us-west1", "The Dalles, Oregon", "US"),
		gcp("us-west2", "Los Angeles, California", "US"),
		gcp("us-west3", "Salt Lake City, Utah", "US"),
		gcp("us-west4", "Las Vegas, Nevada", "US"),
		gcp("northamerica-northeast1", "Montréal", "CA"),
		gcp("northamerica-northeast2", "Toronto", "CA"),
		gcp("northamerica-south1", "Querétaro", "MX"),
		gcp("southamerica-east1", "São Paulo", "BR"),
		gcp("southamerica-west1", "Santiago", "CL"),
		gcp("europe-central2", "Warsaw", "PL"),
		gcp("europe-north1", "Hamina", "FI"),
		gcp("europe-north2", "Stockholm", "SE"),
		gcp("europe-southwest1", "Madrid", "ES"),
		gcp("europe-west1", "St. Ghislain", "BE"),
		gcp("europe-west2", "London", "GB"),
		gcp("europe-west3", "Frankfurt", "DE"),
		gcp("europe-west4", "Eemshaven", "NL"),
		gcp("europe-west6", "Zurich", "CH"),
		gcp("europe-west8", "Milan", "IT"),
		gcp("europe-west9", "Paris", "FR"),
		gcp("europe-west10", "Berlin", "DE"),
		gcp("europe-west12", "Turin", "IT"),
		gcp("me-central1", "Doha", "QA"),
		gcp("me-central2", "Dammam", "SA"),
		gcp("me-west1", "Tel Aviv", "IL"),
		gcp("africa-south1", "Johannesburg", "ZA"),
		gcp("asia-east1", "Changhua County", "TW"),
		gcp("asia-east2", "Hong Kong", "HK"),
		gcp("asia-northeast1", "Tokyo", "JP"),
		gcp("asia-northeast2", "Osaka", "JP"),
		gcp("asia-northeast3", "Seoul", "KR"),
		gcp("asia-south1", "Mumbai", "IN"),
		gcp("asia-south2", "Delhi", "IN"),
		gcp("asia-southeast1", "Jurong West", "SG"),
		gcp("asia-southeast2", "Jakarta", "ID"),
		gcp("australia-southeast1", "Sydney", "AU"),
		gcp("australia-southeast2", "Melbourne", "AU"),
	},
}

// backupPairs is the project's choice of backup region for each primary region that
// has one (RES-3). Every pair stays in the primary's jurisdiction and partition; the
// comment gives the reason. Regions absent here have no in-jurisdiction partner and
// DefaultBackupRegion says so.
var backupPairs = map[Cloud]map[string]string{
	AWS: {
		"us-east-1":     "us-west-2",     // opposite coasts, separate power grids and weather; both carry every service we use
		"us-west-2":     "us-east-1",     // the reverse of the pair above
		"us-east-2":     "us-west-1",     // Ohio to California: far apart, keeps us-east-1 free of a second customer pair
		"us-west-1":     "us-east-2",     // the reverse of the pair above; us-west-2 shares the west-coast seismic risk
		"us-gov-east-1": "us-gov-west-1", // GovCloud copies must stay inside the aws-us-gov partition
		"us-gov-west-1": "us-gov-east-1", // the reverse of the pair above
		"ca-central-1":  "ca-west-1",     // the only other Canadian region, about 3,000 km west
		"ca-west-1":     "ca-central-1",  // the reverse of the pair above
		"eu-west-1":     "eu-central-1",  // Ireland to Germany: different grid and flood plain, both full-service
		"eu-central-1":  "eu-west-1",     // the reverse of the pair above
		"eu-west-3":     "eu-central-1",  // Paris to Frankfurt, about 480 km, full-service partner
		"eu-south-1":    "eu-central-1",  // Milan to Frankfurt across the Alps
		"eu-south-2":    "eu-west-3",     // Aragón to Paris, the nearest full-service EU region beyond 500 km
		"eu-north-1":    "eu-central-1",  // Stockholm to Frankfurt, separate Nordic grid
		// eusc-de-east-1: the European Sovereign Cloud partition has one region, so no pair.
	},
	GCP: {
		"us-central1":             "us-east1",                // the pair Google uses for its NAM4 dual-region
		"us-east1":                "us-central1",             // the reverse of the pair above
		"us-east4":                "us-central1",             // Virginia to Iowa, inland and on another grid
		"us-east5":                "us-west1",                // Ohio to Oregon across the continent
		"us-south1":               "us-east4",                // Texas (ERCOT grid) to Virginia (PJM grid)
		"us-west1":                "us-east4",                // Oregon to Virginia across the continent
		"us-west2":                "us-central1",             // Los Angeles to Iowa, out of the seismic zone
		"us-west3":                "us-east1",                // Utah to South Carolina across the continent
		"us-west4":                "us-central1",             // Nevada to Iowa, out of the western grid
		"northamerica-northeast1": "northamerica-northeast2", // Montréal to Toronto, the only other Canadian region
		"northamerica-northeast2": "northamerica-northeast1", // the reverse of the pair above
		"europe-west1":            "europe-west3",            // Belgium to Frankfurt, about 400 km
		"europe-west3":            "europe-west4",            // Frankfurt to Eemshaven, about 400 km, another grid operator
		"europe-west4":            "europe-north1",           // the pair Google uses for its EUR4 dual-region
		"europe-north1":           "europe-west4",            // the reverse of the pair above
		"europe-north2":           "europe-north1",           // Stockholm to Hamina across the Baltic
		"europe-west8":            "europe-west3",            // Milan to Frankfurt across the Alps; Turin is too close
		"europe-west9":            "europe-west3",            // Paris to Frankfurt, about 480 km
		"europe-west10":           "europe-west4",            // Berlin to Eemshaven, about 450 km
		"europe-west12":           "europe-west9",            // Turin to Paris; Milan is too close
		"europe-central2":         "europe-west10",           // Warsaw to Berlin, about 520 km
		"europe-southwest1":       "europe-west9",            // Madrid to Paris, across the Pyrenees
	},
}

var regionIndex = func() map[Cloud]map[string]Region {
	idx := map[Cloud]map[string]Region{}
	for c, rs := range regionTable {
		idx[c] = map[string]Region{}
		for _, r := range rs {
			idx[c][r.Name] = r
		}
	}
	return idx
}()
